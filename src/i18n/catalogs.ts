import { listPackaged, packagedSource, readPackagedText } from '../assets';
import { errorMessage } from '../errors';
import { canonicalLanguageTag } from './tags';

/**
 * The translation catalogs: one JSON file per language in locales/
 * (`locales/pt-BR.json`), the only folder a translator edits. Read once,
 * through assets.ts, so the single executable finds them too.
 */

/** A catalog: nested objects of strings, i18next JSON (plural forms as `key_one`, `key_other`, …). */
export type Catalog = { readonly [key: string]: string | Catalog };

/** The folder of the catalogs, relative to the package root. */
export const LOCALES_DIR = 'locales';

/** The language every other catalog is checked against and every choice falls back to. */
export const REFERENCE_LANGUAGE = 'en';

/** Every catalog of locales/, by its language tag; throws naming the file when one cannot be used. */
export function readCatalogs(): ReadonlyMap<string, Catalog> {
  const catalogs = new Map<string, Catalog>();
  for (const file of listPackaged(LOCALES_DIR).filter((f) => f.endsWith('.json'))) {
    const name = file.slice(0, -'.json'.length);
    const where = `${LOCALES_DIR}/${file} (in ${packagedSource()})`;
    if (canonicalLanguageTag(name) !== name) throw new Error(`${where}: the file name must be a canonical language tag such as "de" or "pt-BR"`);
    catalogs.set(name, parseCatalog(readPackagedText(`${LOCALES_DIR}/${file}`) ?? '', where));
  }
  if (!catalogs.has(REFERENCE_LANGUAGE)) throw new Error(`${LOCALES_DIR}/${REFERENCE_LANGUAGE}.json is missing (in ${packagedSource()})`);
  return catalogs;
}

function parseCatalog(text: string, where: string): Catalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON: ${errorMessage(err)}`);
  }
  const bad = badEntry(value, '');
  if (bad !== undefined) throw new Error(`${where}: ${bad}`);
  return value as Catalog;
}

/** Why a value is not a catalog (the first entry that is neither text nor an object of entries), or undefined. */
function badEntry(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return path ? `${path}: expected a text or an object of texts` : 'expected an object of texts';
  for (const [key, entry] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (typeof entry === 'string') continue;
    const bad = badEntry(entry, at);
    if (bad !== undefined) return bad;
  }
  return undefined;
}
