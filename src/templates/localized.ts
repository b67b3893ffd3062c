import { REFERENCE_LANGUAGE } from '../i18n/catalogs';
import { chooseLanguage } from '../i18n/choose';
import { bestLanguage, type Languages } from '../i18n/languages';
import type { MessageTemplate } from './render';

/**
 * A provider's message template in each language it has: the default one
 * and the per-language files beside it (`sms.txt`, `sms.de.txt`), picked by
 * the same rule as the pages' language (i18n.md).
 */

/** One compiled body and what to call it in warnings ("sms.de.txt", "built-in"). */
export interface NamedTemplate {
  name: string;
  template: MessageTemplate;
}

/** The default template and its variants by canonical language tag. */
export interface TemplateSet {
  base: NamedTemplate;
  variants: ReadonlyMap<string, NamedTemplate>;
}

/** The template for one message: the chosen file, its language, and the catalog its `t()` reads. */
export interface PickedTemplate extends NamedTemplate {
  /** The variant's language, or the catalog's when the default template is used. */
  lang: string;
  /** The catalog language (a tag of `languages`): `t()`, `lang` and `dir` of the template. */
  catalog: string;
}

/** A set with just one template (a built-in or a custom file without variants). */
export function singleTemplate(name: string, template: MessageTemplate): TemplateSet {
  return { base: { name, template }, variants: new Map() };
}

/**
 * Pick the template for the preferences (languagePreferences of the OTP): the
 * first preference that a variant or a catalog matches wins; for that
 * preference a variant (the operator's own file) beats the default template.
 */
export function pickTemplate(set: TemplateSet, languages: Languages, preferences: readonly string[]): PickedTemplate {
  const variantTags = [...set.variants.keys()];
  for (const preference of preferences) {
    const variantLang = bestLanguage(preference, variantTags);
    const variant = variantLang === undefined ? undefined : set.variants.get(variantLang);
    if (variant && variantLang) return { ...variant, lang: variantLang, catalog: chooseLanguage(languages.tags, preferences) ?? REFERENCE_LANGUAGE };
    const catalog = bestLanguage(preference, languages.tags);
    if (catalog) return { ...set.base, lang: catalog, catalog };
  }
  return { ...set.base, lang: REFERENCE_LANGUAGE, catalog: REFERENCE_LANGUAGE };
}

/** Every language a message of this set can be written in: the catalogs' and the variants'. */
export function languagesOf(set: TemplateSet, languages: Languages): string[] {
  return [...new Set([...languages.tags, ...set.variants.keys()])];
}
