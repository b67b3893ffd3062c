import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** deploy/kubernetes of this repository. */
export const KUSTOMIZE_ROOT = path.join(__dirname, '..', '..', 'deploy', 'kubernetes');

/** The overlay folders, by name (single-redis, redis-cluster, …). */
export function overlayNames(): string[] {
  return readdirSync(path.join(KUSTOMIZE_ROOT, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * The kubectl to render with: $KUBECTL when set (e.g. Debian's 1.20 with kustomize v2.0.3, to check old
 * syntax), else the first `kubectl` on PATH. A machine without one fails the tests, never skips them:
 * a skipped manifest test would pass CI with manifests nobody rendered.
 */
export function kubectlPath(): string {
  const chosen = process.env.KUBECTL;
  if (chosen) return chosen;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'kubectl is not on PATH: the Kubernetes manifests cannot be rendered. Install Debian\'s kubernetes-client package ' +
      '(apt-get install kubernetes-client; .ci/run does this when kubectl is missing) or set KUBECTL to a kubectl binary.',
  );
}

/** A rendered Kubernetes object, as parsed from YAML (not yet validated). */
export type RawObject = Record<string, unknown>;

/** `kubectl kustomize` an overlay (no cluster needed) and parse every object it prints. */
export function renderOverlay(name: string): RawObject[] {
  const yaml = execFileSync(kubectlPath(), ['kustomize', path.join(KUSTOMIZE_ROOT, 'overlays', name)], {
    encoding: 'utf8',
    // Deprecation warnings of newer kustomize (`bases`) go to stderr; keep them out of the test output.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${name}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`kubectl kustomize ${name}: a document is not an object`);
    return value as RawObject;
  });
}

/** `kind/name` of a rendered object, for messages and the object list. */
export function objectKey(object: { kind?: unknown; metadata?: { name?: unknown } }): string {
  return `${String(object.kind)}/${String(object.metadata?.name)}`;
}
