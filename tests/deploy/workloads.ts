import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Deployment, StatefulSet, type IDeployment, type IStatefulSet } from 'kubernetes-models/apps/v1';
import { Secret, type ISecret } from 'kubernetes-models/v1';
import type { IIoK8sApiCoreV1Container as Container } from 'kubernetes-models/v1/Container';
import type { IIoK8sApiCoreV1PodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import { loadConfig, type LoadedConfig } from '../../src/config/load';
import { envOf, execForm, instructions, parseDockerfile, stageOf } from '../helpers/dockerfile';
import { objectKey, type RawObject } from './kubectl';

/** Accessors over one overlay's rendered objects: the gateway Deployment, its container, its config. */

/** A workload with a pod template (what runs containers). */
export type Workload = IDeployment | IStatefulSet;

/** The Deployment, StatefulSets… of a rendering. */
export function workloads(objects: RawObject[]): Workload[] {
  return objects.filter((o): o is RawObject & Workload => Deployment.is(o) || StatefulSet.is(o));
}

/** The one object of a kind and name; throws when it is missing. */
export function find<T>(objects: RawObject[], guard: (o: unknown) => o is T, name: string): T {
  const found = objects.find((o) => guard(o) && (o as { metadata?: { name?: string } }).metadata?.name === name);
  if (!found || !guard(found)) throw new Error(`no ${name} among ${objects.map(objectKey).join(', ')}`);
  return found;
}

/** The pod spec of a workload (throws when it has none). */
export function podSpec(workload: Workload): PodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.kind} ${workload.metadata?.name} has no pod spec`);
  return spec;
}

/** The gateway's Deployment and its `otpgateway` container. */
export function gateway(objects: RawObject[]): { deployment: IDeployment; pod: PodSpec; container: Container } {
  const deployment = find(objects, Deployment.is, 'otpgateway');
  const pod = podSpec(deployment);
  const container = pod.containers.find((c) => c.name === 'otpgateway');
  if (!container) throw new Error('the otpgateway Deployment has no container named otpgateway');
  return { deployment, pod, container };
}

const RUNTIME = stageOf(parseDockerfile());

/** What the container runs: its command/args, else the image's ENTRYPOINT/CMD (Kubernetes' rules). */
export function containerArgv(container: Container): string[] {
  const last = (op: string): string[] => {
    const args = instructions(RUNTIME, op).pop();
    return args === undefined ? [] : execForm(args);
  };
  if (container.command) return [...container.command, ...(container.args ?? [])];
  return [...last('ENTRYPOINT'), ...(container.args ?? last('CMD'))];
}

/** The value of `--config FILE` (or `--config=FILE`) in an argv; undefined without one. */
export function configFlag(argv: string[]): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--config='))?.slice('--config='.length);
}

/** The container's environment: the image's ENV, then the container's own `env` values on top. */
export function containerEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = { ...envOf(RUNTIME) };
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}

/** The config.toml text a Secret carries under `key` (base64 `data` or plain `stringData`). */
export function secretText(secret: ISecret, key: string): string | undefined {
  const data = secret.data?.[key];
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

/** The gateway's config.toml as the pods get it: from the Secret behind the volume mounted at the `--config` folder. */
export function mountedConfig(objects: RawObject[]): { file: string; secret: ISecret; mode: number; text: string } {
  const { pod, container } = gateway(objects);
  const file = configFlag(containerArgv(container));
  if (!file) throw new Error('the gateway container runs without --config');
  const mount = (container.volumeMounts ?? []).find((m) => (m.subPath ? m.mountPath === file : m.mountPath === path.posix.dirname(file)));
  if (!mount) throw new Error(`no volume is mounted at ${path.posix.dirname(file)} (where --config ${file} reads)`);
  const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
  const secretName = volume?.secret?.secretName;
  if (!secretName) throw new Error(`the volume mounted at ${mount.mountPath} is not a Secret`);
  const secret = find(objects, Secret.is, secretName);
  const key = mount.subPath ?? path.posix.basename(file);
  const text = secretText(secret, key);
  if (text === undefined) throw new Error(`Secret ${secretName} has no key ${key}`);
  return { file, secret, mode: volume?.secret?.defaultMode ?? 0o644, text };
}

/** The config's `"change-this…"` placeholders replaced with random secrets, as an operator must before deploying. */
export function withSecretsFilledIn(text: string): string {
  return text.replace(/"change-this[^"]*"/g, () => JSON.stringify(randomBytes(24).toString('hex')));
}

/** Load a config text through the gateway's own loader, with an environment (the container's). */
export function loadConfigText(text: string, env: Record<string, string>): LoadedConfig {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-deploy-'));
  try {
    const file = path.join(dir, 'config.toml');
    writeFileSync(file, text);
    return loadConfig({ files: [file], env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The port of a `host:port` address. */
export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}
