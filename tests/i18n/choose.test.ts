import { chooseLanguage, languagePreferences, type LanguageDefaults } from '../../src/i18n/choose';
import { bestLanguage, shippedLanguages } from '../../src/i18n/languages';
import { canonicalLanguageTag } from '../../src/i18n/tags';

const TAGS = shippedLanguages().tags;
const DEFAULTS: LanguageDefaults = { app: 'en', namespaces: new Map([['shop', 'fr']]) };

/** The language a page gets. */
function pageLanguage(from: { namespace?: string; lang?: string; acceptLanguage?: string }, defaults = DEFAULTS): string | undefined {
  return chooseLanguage(TAGS, languagePreferences(defaults, { namespace: from.namespace ?? 'other', ...from }));
}

describe('choosing a language (i18n.md)', () => {
  it('takes the lang given at create time over the browser, the namespace and the app', () => {
    expect(pageLanguage({ namespace: 'shop', lang: 'hi', acceptLanguage: 'de' })).toBe('hi');
  });

  it('takes the best Accept-Language match, q-values honoured, over the namespace default', () => {
    expect(pageLanguage({ namespace: 'shop', acceptLanguage: 'es;q=0.4, de;q=0.9, en;q=0.1' })).toBe('de');
    expect(pageLanguage({ namespace: 'shop', acceptLanguage: 'de-CH, de;q=0.9' })).toBe('de');
  });

  it('falls back along the tag: pt-BR finds the pt-BR catalog, a bare pt finds it too, de-AT finds de', () => {
    expect(pageLanguage({ lang: 'pt-BR' })).toBe('pt-BR');
    expect(pageLanguage({ acceptLanguage: 'pt' })).toBe('pt-BR');
    expect(pageLanguage({ lang: 'de-AT' })).toBe('de');
    expect(chooseLanguage(['en', 'pt'], ['pt-BR'])).toBe('pt');
  });

  it('goes on to the namespace default, then the app default, when nothing before matches a catalog', () => {
    expect(pageLanguage({ namespace: 'shop', lang: 'ja', acceptLanguage: 'sv, nb;q=0.5' })).toBe('fr');
    expect(pageLanguage({ namespace: 'other', lang: 'ja' }, { app: 'ar', namespaces: new Map() })).toBe('ar');
    expect(pageLanguage({ namespace: 'other', lang: 'ja' }, { app: 'ja', namespaces: new Map() })).toBeUndefined();
  });

  it('reads a bare "*" as no preference', () => {
    expect(bestLanguage('*', TAGS)).toBeUndefined();
    expect(pageLanguage({ namespace: 'shop', acceptLanguage: '*' })).toBe('fr');
  });
});

describe('language tags', () => {
  it('are canonicalised', () => {
    expect(['pt-br', 'DE', 'zh-hant-tw', ' ar '].map(canonicalLanguageTag)).toEqual(['pt-BR', 'de', 'zh-Hant-TW', 'ar']);
  });

  it('are refused when malformed, empty, a list or too long', () => {
    expect(['en_US', '', 'x', 'de,fr', 'a'.repeat(40), '12'].map(canonicalLanguageTag)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
