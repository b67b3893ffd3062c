import i18next, { type i18n } from 'i18next';
import Negotiator from 'negotiator';
import { readCatalogs, REFERENCE_LANGUAGE, type Catalog } from './catalogs';

/**
 * The gateway's languages: every catalog loaded into one i18next instance,
 * which does the plurals (Intl.PluralRules: Arabic's six forms, Hindi's two…),
 * the interpolation and the text direction. Pages and messages get a
 * Translator bound to one language; nunjucks escapes what it returns.
 */

/** Values a sentence can interpolate. `count` picks the plural form. */
export type TranslationVars = Readonly<Record<string, string | number>>;

/** The texts of one language. */
export interface Translator {
  /** The catalog's language tag ("pt-BR"). */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  /** The sentence at `key` ("code.attempts_left"), its plural form chosen by `vars.count`. */
  t(key: string, vars?: TranslationVars): string;
}

/** The shipped catalogs, ready to translate. */
export class Languages {
  /** The tags with a catalog, the reference language first. */
  readonly tags: readonly string[];
  private readonly i18n: i18n;
  private readonly translators = new Map<string, Translator>();

  constructor(catalogs: ReadonlyMap<string, Catalog>) {
    this.tags = [REFERENCE_LANGUAGE, ...[...catalogs.keys()].filter((t) => t !== REFERENCE_LANGUAGE).sort()];
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources: Object.fromEntries([...catalogs].map(([tag, catalog]) => [tag, { translation: catalog }])),
      lng: REFERENCE_LANGUAGE,
      fallbackLng: REFERENCE_LANGUAGE,
      // The catalogs are given whole: no backend, nothing to wait for.
      initAsync: false,
      // nunjucks escapes every rendered value; escaping here too would show "&amp;".
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    // "{{label, lowerfirst}}": "E-mail ID" inside an English sentence is "e-mail ID" (German keeps its capitals).
    // A first word with capitals after its first letter is an acronym or a name ("SMS", "WhatsApp"): kept as written.
    this.i18n.services.formatter?.add('lowerfirst', (value: unknown, lng) => {
      if (typeof value !== 'string') return String(value);
      const firstWord = value.split(/\s/, 1)[0] ?? '';
      if (firstWord.slice(1) !== firstWord.slice(1).toLocaleLowerCase(lng)) return value;
      return value.charAt(0).toLocaleLowerCase(lng) + value.slice(1);
    });
  }

  /** The best language with a catalog for an Accept-Language value or one tag, or undefined. */
  match(ranges: string | undefined): string | undefined {
    return bestLanguage(ranges, this.tags);
  }

  /** The texts of a language with a catalog (the reference language for any other tag). */
  translator(lang: string): Translator {
    const tag = this.tags.includes(lang) ? lang : REFERENCE_LANGUAGE;
    let found = this.translators.get(tag);
    if (!found) {
      const t = this.i18n.getFixedT(tag);
      found = { lang: tag, dir: this.i18n.dir(tag), t: (key, vars) => String(t(key, vars ?? {})) };
      this.translators.set(tag, found);
    }
    return found;
  }
}

/**
 * The best of `available` for an Accept-Language value ("de-CH,de;q=0.9,en;q=0.8")
 * or a single tag, q-values honoured, by `negotiator` (the negotiator Express uses):
 * "pt-BR" finds "pt", "pt" finds "pt-BR". A bare "*" (no preference) finds nothing.
 */
export function bestLanguage(ranges: string | undefined, available: readonly string[]): string | undefined {
  if (!ranges || /^\s*\*\s*(;[^,]*)?$/.test(ranges) || available.length === 0) return undefined;
  return new Negotiator({ headers: { 'accept-language': ranges } }).languages([...available])[0];
}

let shipped: Languages | undefined;

/** The catalogs of locales/, loaded on first use. */
export function shippedLanguages(): Languages {
  shipped ??= new Languages(readCatalogs());
  return shipped;
}
