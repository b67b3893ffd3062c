import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listPackaged, packagedSource, readPackagedText } from '../assets';
import { errorMessage } from '../errors';
import { canonicalLanguageTag } from '../i18n/tags';

/**
 * Reading a provider's template file (`template = "sms.txt"`) and the
 * per-language files beside it (`sms.de.txt`, `sms.pt-BR.txt`). Relative names
 * are looked up in the config file's folder, the working directory, then the
 * package (the user's files stay on disk; only the package's own come from
 * the single executable's assets).
 */

/** A template file's text, and its per-language variants by canonical tag. */
export interface TemplateFiles {
  name: string;
  body: string;
  variants: Map<string, { name: string; body: string }>;
}

/** Read a template file and its language variants; throws a sentence naming the file when one cannot be read. */
export function readTemplateFiles(file: string, baseDirs: string[]): TemplateFiles {
  const candidates = path.isAbsolute(file) ? [file] : baseDirs.map((dir) => path.join(dir, file));
  const found = candidates.find((c) => existsSync(c));
  if (found) {
    const siblings = readdirSync(path.dirname(found));
    return { name: path.basename(found), body: readText(found), variants: variantsOf(path.basename(found), siblings, (n) => readText(path.join(path.dirname(found), n))) };
  }
  const packaged = path.isAbsolute(file) ? undefined : readPackaged(file);
  if (packaged !== undefined) {
    const dir = path.posix.dirname(file.split(path.sep).join('/'));
    const read = (n: string): string => readPackaged(path.posix.join(dir, n)) ?? '';
    return { name: path.basename(file), body: packaged, variants: variantsOf(path.basename(file), listPackaged(dir), read) };
  }
  const looked = [...new Set(candidates.map((c) => path.dirname(c)))];
  if (!path.isAbsolute(file)) looked.push(packagedSource());
  throw new Error(`template file ${JSON.stringify(file)} not found (looked in ${looked.join(', ')})`);
}

/** The files among `siblings` named like `base` with a language tag before the extension ("sms.de.txt" for "sms.txt"). */
function variantsOf(base: string, siblings: readonly string[], read: (name: string) => string): Map<string, { name: string; body: string }> {
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const variants = new Map<string, { name: string; body: string }>();
  for (const name of [...siblings].sort()) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith(ext) || name === base) continue;
    const tag = canonicalLanguageTag(name.slice(stem.length + 1, name.length - ext.length));
    if (tag && !variants.has(tag)) variants.set(tag, { name, body: read(name) });
  }
  return variants;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read template file ${JSON.stringify(file)}: ${errorMessage(err)}`);
  }
}

/** A template shipped with the gateway (e.g. templates/email.html), or undefined. */
function readPackaged(file: string): string | undefined {
  try {
    return readPackagedText(file);
  } catch (err) {
    throw new Error(`cannot read template file ${JSON.stringify(file)} from ${packagedSource()}: ${errorMessage(err)}`);
  }
}
