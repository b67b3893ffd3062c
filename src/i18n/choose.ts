import { bestLanguage } from './languages';

/**
 * Choosing a language (i18n.md "Choosing the language"): the OTP's own `lang`
 * (given at create time), then the browser's Accept-Language (pages only),
 * then the namespace's `default_language`, then `app.default_language`.
 * Each is matched along its chain (pt-BR → pt); the first that matches wins.
 */

/** The configured defaults: `app.default_language` and each namespace's `[auth.X] default_language`. */
export interface LanguageDefaults {
  app: string;
  /** Namespace → its default language (namespaces without one are absent). */
  namespaces: ReadonlyMap<string, string>;
}

/** What one choice is made from. */
export interface LanguageSources {
  namespace: string;
  /** The OTP's own `lang` (OtpMeta), when it has one. */
  lang?: string;
  /** The browser's Accept-Language header (pages only). */
  acceptLanguage?: string;
}

/** The preferences in the order of the rule, each an Accept-Language value or one tag. */
export function languagePreferences(defaults: LanguageDefaults, from: LanguageSources): string[] {
  return [from.lang, from.acceptLanguage, defaults.namespaces.get(from.namespace), defaults.app].filter((p): p is string => !!p);
}

/** The first preference that one of `available` matches, or undefined when none does. */
export function chooseLanguage(available: readonly string[], preferences: readonly string[]): string | undefined {
  for (const preference of preferences) {
    const found = bestLanguage(preference, available);
    if (found) return found;
  }
  return undefined;
}
