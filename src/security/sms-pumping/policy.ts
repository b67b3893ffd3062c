import { canonicalAddressFor } from '../../otp/addresses';
import type { SendGuard } from '../../otp/send';
import { checkCountry, type CountryAllowList } from './allow-list';
import { createBudgets, type BudgetDeps, type BudgetLimits } from './budgets';
import { countryOfNumber } from './countries';

/**
 * The SMS pumping defence as one step of the OTP service, run before anything
 * is stored or sent: the country allow-list first (a refused number spends no
 * budget), then the budgets. Phone channels are known by their address kind,
 * so every phone provider, route and `address = "phone"` webhook is covered.
 */
export function createSendPolicy(config: { countries: CountryAllowList; limits: BudgetLimits }, deps: BudgetDeps): SendGuard {
  const budgets = createBudgets(config.limits, deps);
  return async (namespace, channel, address) => {
    if (channel.addressKind !== 'phone') return budgets({ namespace });
    const canonical = canonicalAddressFor(channel, address);
    const country = countryOfNumber(canonical);
    checkCountry(config.countries, namespace, country);
    await budgets({ namespace, phone: { canonical, country } });
  };
}
