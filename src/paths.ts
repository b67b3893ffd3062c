import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The package root (where package.json, views/, static/ and templates/ live), from src/ or dist/src/.
 * Read packaged files through assets.ts, not from here: the single executable has no package folder.
 */
export const PACKAGE_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
