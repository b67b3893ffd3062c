import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config-fields';

/** A temporary folder holding TOML files for one test; `remove()` deletes it. */
export interface ConfigDir {
  dir: string;
  /** Write a file into the folder and return its absolute path. */
  write(name: string, text: string): string;
  remove(): void;
}

/** Create a temporary folder for config files. */
export function configDir(): ConfigDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-config-'));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run `load` and return the problems of the ConfigError it must throw. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
