import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths';

/**
 * Where packaged files come from: the files the gateway ships beside its code
 * (views/, static/, templates/, config.sample.toml, package.json), named by
 * their path relative to the package root ('views/otp.njk'). In the single
 * executable (`npm run build:binary`) they are SEA assets under that same key;
 * otherwise they are read from the package folder on disk.
 */

/** The part of `node:sea` used here (node ≥ 20.12). */
interface SeaApi {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

/** The SEA API when this process is a single executable, otherwise undefined. */
const sea: SeaApi | undefined = loadSea();

function loadSea(): SeaApi | undefined {
  try {
    // A plain require, not an import: node:sea does not exist before node 20.12, and outside a
    // single executable it only answers isSea() = false.
    const api = require('node:sea') as SeaApi;
    return api.isSea() ? api : undefined;
  } catch {
    return undefined;
  }
}

/** True when running as the single executable: packaged files come from its assets, not the disk. */
export function isSingleExecutable(): boolean {
  return sea !== undefined;
}

/** 'views/otp.njk' from 'views\\otp.njk' or './views/otp.njk': the key of a packaged file. */
function assetKey(file: string): string {
  return path.posix.normalize(file.split(path.sep).join('/')).replace(/^\.\//, '');
}

/** The bytes of a packaged file, or undefined when the package has no such file. */
export function readPackagedBytes(file: string): Buffer | undefined {
  const key = assetKey(file);
  if (key.startsWith('../') || path.posix.isAbsolute(key)) return undefined;
  if (sea) {
    try {
      return Buffer.from(sea.getAsset(key));
    } catch {
      return undefined; // getAsset throws for a key that was not packaged
    }
  }
  const onDisk = path.join(PACKAGE_ROOT, key);
  return existsSync(onDisk) ? readFileSync(onDisk) : undefined;
}

/** The UTF-8 text of a packaged file, or undefined when the package has no such file. */
export function readPackagedText(file: string): string | undefined {
  return readPackagedBytes(file)?.toString('utf8');
}

/** The UTF-8 text of a packaged file the gateway cannot run without; throws naming it when missing. */
export function requirePackagedText(file: string): string {
  const text = readPackagedText(file);
  if (text === undefined) {
    throw new Error(`packaged file ${JSON.stringify(file)} is missing (${sea ? 'not in the executable' : `not under ${PACKAGE_ROOT}`})`);
  }
  return text;
}

/** The key under which the single executable lists its packaged files (scripts/build-binary.js writes it). */
export const PACKAGED_INDEX = 'packaged-files.json';

/** The names of the files directly in a packaged folder ('locales' → ['ar.json', 'de.json', …]), sorted. */
export function listPackaged(dir: string): string[] {
  const prefix = `${assetKey(dir).replace(/\/+$/, '')}/`;
  if (!sea) {
    const onDisk = path.join(PACKAGE_ROOT, prefix);
    if (!existsSync(onDisk)) return [];
    return readdirSync(onDisk, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  }
  // node:sea cannot list its assets before node 24: the build packs the list of keys as one more asset.
  const index = JSON.parse(readPackagedText(PACKAGED_INDEX) ?? '[]') as unknown;
  const keys = Array.isArray(index) ? index.filter((k): k is string => typeof k === 'string') : [];
  return keys.filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length)).sort();
}

/** Where packaged files are read from, for messages: the package folder, or "the executable". */
export function packagedSource(): string {
  return sea ? 'the executable' : PACKAGE_ROOT;
}
