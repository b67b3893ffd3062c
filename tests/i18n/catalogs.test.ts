import { readCatalogs, REFERENCE_LANGUAGE, type Catalog } from '../../src/i18n/catalogs';
import { shippedLanguages } from '../../src/i18n/languages';

/**
 * The catalogs of locales/ against the English one: same keys, every plural
 * form its language needs (Intl.PluralRules), no variable English does not
 * give. A translator who forgets a key, adds a stray one or misspells a
 * variable fails here, not in front of a user.
 */

const PLURAL_FORM = /_(zero|one|two|few|many|other)$/;
const catalogs = readCatalogs();
const english = catalogs.get(REFERENCE_LANGUAGE) as Catalog;

/** Every leaf as "a.b.c" → text. */
function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(at, value);
    else for (const [k, v] of flatten(value, at)) out.set(k, v);
  }
  return out;
}

/** Keys without their plural suffix, each with the forms the catalog has. */
function keysOf(catalog: Catalog): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const key of flatten(catalog).keys()) {
    const form = PLURAL_FORM.exec(key)?.[1];
    const base = form ? key.slice(0, -form.length - 1) : key;
    const forms = keys.get(base) ?? new Set<string>();
    if (form) forms.add(form);
    keys.set(base, forms);
  }
  return keys;
}

/** The variables a sentence interpolates ("{{label, lowerfirst}}" → "label"). */
function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] as string).sort();
}

describe('the catalogs in locales/', () => {
  const englishKeys = keysOf(english);

  it('ship English, Spanish, French, German, Portuguese (Brazil), Hindi and Arabic', () => {
    expect([...catalogs.keys()].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'hi', 'pt-BR']);
  });

  describe.each([...catalogs.keys()].filter((t) => t !== REFERENCE_LANGUAGE))('%s', (tag) => {
    const catalog = catalogs.get(tag) as Catalog;
    const keys = keysOf(catalog);
    const needed = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;

    it('has every key of the English catalog', () => {
      expect([...englishKeys.keys()].filter((k) => !keys.has(k))).toEqual([]);
    });

    it('has no key the English catalog lacks', () => {
      expect([...keys.keys()].filter((k) => !englishKeys.has(k))).toEqual([]);
    });

    it('has exactly the plural forms of its language for every plural sentence', () => {
      for (const [key, forms] of englishKeys) {
        if (forms.size === 0) continue;
        expect([key, [...(keys.get(key) ?? [])].sort()]).toEqual([key, [...needed].sort()]);
      }
    });

    it('uses only variables the English sentence gives', () => {
      const en = flatten(english);
      for (const [key, text] of flatten(catalog)) {
        const base = key.replace(PLURAL_FORM, '');
        const given = new Set([...en].filter(([k]) => k.replace(PLURAL_FORM, '') === base).flatMap(([, t]) => variables(t)));
        if (PLURAL_FORM.test(key)) given.add('count');
        expect([key, variables(text).filter((v) => !given.has(v))]).toEqual([key, []]);
      }
    });
  });

  it('English has the plural forms of English', () => {
    for (const [key, forms] of englishKeys) if (forms.size > 0) expect([key, [...forms].sort()]).toEqual([key, ['one', 'other']]);
  });
});

describe('translating', () => {
  const languages = shippedLanguages();

  it('picks the plural form of each language: Arabic has six, German two', () => {
    const ar = languages.translator('ar');
    expect([0, 1, 2, 3, 11, 100].map((n) => ar.t('duration.minutes', { count: n }))).toEqual([
      '0 دقيقة', 'دقيقة واحدة', 'دقيقتان', '3 دقائق', '11 دقيقة', '100 دقيقة',
    ]);
    const de = languages.translator('de');
    expect([1, 3].map((n) => de.t('code.attempts_left', { count: n, max: 5 }))).toEqual(['Noch 1 Versuch von 5', 'Noch 3 Versuche von 5']);
  });

  it('knows the direction of each language', () => {
    expect(languages.tags.map((t) => [t, languages.translator(t).dir])).toEqual(
      languages.tags.map((t) => [t, t === 'ar' ? 'rtl' : 'ltr']),
    );
  });

  it('lowercases the first letter of a label where the catalog asks for it, in English but not in German', () => {
    expect(languages.translator('en').t('errors.enter_address', { label: 'E-mail ID' })).toBe('Enter your e-mail ID.');
    expect(languages.translator('de').t('errors.enter_address', { label: 'E-Mail-Adresse' })).toBe('Geben Sie Ihre E-Mail-Adresse ein.');
  });

  it('keeps an acronym or a name as written where the catalog lowercases the first letter', () => {
    expect(languages.translator('en').t('channel.custom.description', { channel: 'SMS' })).toBe('Enter the code you received by SMS.');
    expect(languages.translator('en').t('channel.custom.description', { channel: 'WhatsApp' })).toBe('Enter the code you received by WhatsApp.');
    expect(languages.translator('en').t('channel.custom.description', { channel: 'E-mail' })).toBe('Enter the code you received by e-mail.');
  });

  it('leaves values unescaped (the templates escape them) and does not interpolate braces inside them', () => {
    expect(languages.translator('en').t('email.intro', { to: '<b>{{otp}}</b>' })).toBe('Enter this code to verify <b>{{otp}}</b>:');
  });
});
