/** Language tags (BCP 47) as the API and the config accept them. */

/** The longest tag accepted ("zh-Hant-TW" is 10; the registry's longest useful tags stay well under). */
const MAX_TAG_LENGTH = 35;

/** The canonical form of one language tag ("pt-br" → "pt-BR"), or undefined when it is not a valid tag. */
export function canonicalLanguageTag(value: string): string | undefined {
  const text = value.trim();
  if (text === '' || text.length > MAX_TAG_LENGTH) return undefined;
  try {
    const tags = Intl.getCanonicalLocales(text);
    return tags.length === 1 ? tags[0] : undefined;
  } catch {
    return undefined; // RangeError: not a well-formed tag ("en_US", "x", "de,fr")
  }
}
