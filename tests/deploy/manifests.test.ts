import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { parseHostPort } from '../../src/store/redis-url';
import { KUSTOMIZE_ROOT, objectKey, overlayNames, renderOverlay, type RawObject } from './kubectl';
import { schemaProblem } from './kubernetes-schemas';
import { containerEnv, find, gateway, loadConfigText, mountedConfig, podSpec, portOf, withSecretsFilledIn, workloads } from './workloads';

/**
 * deploy/kubernetes: every overlay renders with the machine's `kubectl kustomize`, each object
 * matches the Kubernetes schema of its kind, and the rendered gateway keeps the promises of
 * docs/operations.md (probes, config mount, non-root, drain time, metrics, network policy).
 */

// The server's drain limit on SIGTERM: app.server_timeout plus this (src/cli.ts, `graceMs`).
const DRAIN_MARGIN_S = 5;
// The egress every gateway needs besides Redis: DNS, HTTPS APIs and SMTP.
const PROVIDER_PORTS = [443, 587, 465, 25];

const OVERLAYS = overlayNames();
const rendered = new Map<string, RawObject[]>();
function objectsOf(overlay: string): RawObject[] {
  let objects = rendered.get(overlay);
  if (!objects) {
    objects = renderOverlay(overlay);
    rendered.set(overlay, objects);
  }
  return objects;
}

it('finds the three overlays', () => {
  expect(OVERLAYS).toEqual(['redis-cluster', 'redis-in-cluster-not-for-production', 'single-redis']);
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders with kubectl kustomize into the gateway, its config Secret, Service, budget, autoscaler and policy', () => {
    const keys = objectsOf(overlay).map(objectKey);
    for (const kind of ['Deployment/otpgateway', 'Service/otpgateway', 'PodDisruptionBudget/otpgateway', 'HorizontalPodAutoscaler/otpgateway', 'NetworkPolicy/otpgateway']) {
      expect(keys).toContain(kind);
    }
    // The generated Secret's name carries a hash of config.toml, so an edit rolls the pods.
    expect(keys.filter((k) => /^Secret\/otpgateway-config-[a-z0-9]{6,}$/.test(k))).toHaveLength(1);
    process.stdout.write(`${overlay}: ${keys.join(', ')}\n`);
  });

  it('has only objects that match the Kubernetes schema of their kind', () => {
    const problems = objectsOf(overlay).map((o) => [objectKey(o), schemaProblem(o)]).filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('probes /api/health on the container port the server listens on', () => {
    const objects = objectsOf(overlay);
    const { container } = gateway(objects);
    const { config } = loadConfigText(withSecretsFilledIn(mountedConfig(objects).text), containerEnv(container));
    const http = (container.ports ?? []).find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(portOf(config.app.address));
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet?.path).toBe('/api/health');
      const port = probe?.httpGet?.port;
      expect(port === 'http' || port === http?.containerPort).toBe(true);
    }
  });

  it('mounts the config Secret where --config reads it, readable by the server user', () => {
    const objects = objectsOf(overlay);
    const { pod, container } = gateway(objects);
    const { file, mode } = mountedConfig(objects);
    expect(file).toBe('/etc/otpgateway/config.toml');
    expect((container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`))?.readOnly).toBe(true);
    // Secret files belong to root and to the pod's fsGroup: the server reads through "other" or that group.
    const user = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    const group = container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
    const viaGroup = (mode & 0o040) !== 0 && pod.securityContext?.fsGroup !== undefined && (pod.securityContext.fsGroup === group || user !== undefined);
    expect((mode & 0o004) !== 0 || viaGroup).toBe(true);
  });

  it('ships a config.toml that the gateway refuses until its placeholder secrets are replaced, and accepts without a warning after', () => {
    const objects = objectsOf(overlay);
    const { container } = gateway(objects);
    const { text } = mountedConfig(objects);
    expect(() => loadConfigText(text, containerEnv(container))).toThrow(/auth\.myApp\.secret/);
    const { config, warnings } = loadConfigText(withSecretsFilledIn(text), containerEnv(container));
    expect(warnings).toEqual([]);
    expect(config.store.backend).toBe('redis');
    expect(config.app.secret_key).not.toBe('');
    expect(config.app.workers).toBe(1);
  });

  it('runs no container as root, with privilege escalation, or with a writable root filesystem', () => {
    for (const workload of workloads(objectsOf(overlay))) {
      const pod = podSpec(workload);
      const at = objectKey(workload);
      expect({ at, seccomp: pod.securityContext?.seccompProfile?.type, token: pod.automountServiceAccountToken }).toEqual({ at, seccomp: 'RuntimeDefault', token: false });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${objectKey(workload)} ${container.name}`;
        const own = container.securityContext;
        expect({ where, runAsNonRoot: own?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        const user = own?.runAsUser ?? pod.securityContext?.runAsUser;
        expect({ where, user: typeof user === 'number' && user > 0 }).toEqual({ where, user: true });
        expect({ where, readOnlyRootFilesystem: own?.readOnlyRootFilesystem }).toEqual({ where, readOnlyRootFilesystem: true });
        expect({ where, allowPrivilegeEscalation: own?.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
        expect({ where, drop: own?.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
        expect({ where, requests: Object.keys(container.resources?.requests ?? {}).sort(), limits: Object.keys(container.resources?.limits ?? {}).sort() })
          .toEqual({ where, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
      }
    }
  });

  it('gives terminating pods longer than the preStop sleep plus the server drain limit', () => {
    const objects = objectsOf(overlay);
    const { pod, container } = gateway(objects);
    const { config } = loadConfigText(withSecretsFilledIn(mountedConfig(objects).text), containerEnv(container));
    const command = container.lifecycle?.preStop?.exec?.command ?? [];
    const preStop = command[0] === 'sleep' ? Number(command[1]) : 0;
    const drain = config.app.server_timeout / 1000 + DRAIN_MARGIN_S;
    expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(preStop + drain);
  });

  it('serves /metrics on the port its Prometheus annotations name', () => {
    const objects = objectsOf(overlay);
    const { deployment, container } = gateway(objects);
    const { config } = loadConfigText(withSecretsFilledIn(mountedConfig(objects).text), containerEnv(container));
    const annotations = deployment.spec?.template.metadata?.annotations ?? {};
    expect(config.metrics.enabled).toBe(true);
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    const metricsPort = portOf(config.metrics.address);
    expect(Number(annotations['prometheus.io/port'])).toBe(metricsPort);
    expect((container.ports ?? []).find((p) => p.name === 'metrics')?.containerPort).toBe(metricsPort);
    expect(metricsPort).not.toBe(portOf(config.app.address));
  });

  it('lets in the API port and out DNS, every Redis node of config.toml and the providers', () => {
    const objects = objectsOf(overlay);
    const { deployment, container } = gateway(objects);
    const { config } = loadConfigText(withSecretsFilledIn(mountedConfig(objects).text), containerEnv(container));
    const policy = find(objects, NetworkPolicy.is, 'otpgateway');
    expect(policy.spec?.podSelector.matchLabels).toEqual(deployment.spec?.selector.matchLabels);
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const openToAll = (rules: { ports?: { port?: number | string; protocol?: string }[]; from?: unknown[]; to?: unknown[] }[] | undefined): string[] =>
      (rules ?? []).filter((r) => (r.from ?? r.to ?? []).length === 0).flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${String(p.port)}`));
    expect(openToAll(policy.spec?.ingress)).toContain(`TCP/${portOf(config.app.address)}`);
    const egress = openToAll(policy.spec?.egress);
    const redis = config.store.redis;
    const redisPorts = redis.cluster_nodes.length > 0 ? redis.cluster_nodes.map((n) => parseHostPort(n)?.port) : [redis.port];
    const smtpPort = config.providers.smtp?.enabled ? [config.providers.smtp.port] : [];
    for (const port of [...redisPorts, ...PROVIDER_PORTS, ...smtpPort]) expect(egress).toContain(`TCP/${String(port)}`);
    expect(egress).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53']));
  });

  it('has a Service, a disruption budget and a CPU autoscaler for exactly the gateway pods', () => {
    const objects = objectsOf(overlay);
    const { deployment } = gateway(objects);
    const labels = deployment.spec?.template.metadata?.labels;
    expect(deployment.spec?.selector.matchLabels).toEqual(labels);
    const service = find(objects, Service.is, 'otpgateway');
    expect(service.spec?.selector).toEqual(labels);
    expect(service.spec?.ports?.find((p) => p.name === 'http')?.targetPort).toBe('http');
    const budget = find(objects, PodDisruptionBudget.is, 'otpgateway');
    expect(budget.spec?.selector?.matchLabels).toEqual(labels);
    const hpa = find(objects, HorizontalPodAutoscaler.is, 'otpgateway');
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'otpgateway' });
    expect(hpa.spec?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu']);
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    // Rolling upgrades add a pod before they take one away (docs/operations.md, Upgrading).
    expect(deployment.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    // The budget must leave a pod to drain: with maxUnavailable 1 and at least two replicas, one always serves.
    expect(budget.spec?.maxUnavailable).toBe(1);
  });
});

it('marks every object of the in-cluster Redis overlay as not for production', () => {
  for (const object of objectsOf('redis-in-cluster-not-for-production')) {
    const annotations = (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    expect({ object: objectKey(object), marked: Object.keys(annotations).some((k) => k.endsWith('/not-for-production')) }).toEqual({ object: objectKey(object), marked: true });
  }
});

it('refuses objects that break the Kubernetes schema (the check is not a formality)', () => {
  const [deployment] = objectsOf('single-redis').filter((o) => o.kind === 'Deployment');
  const broken = structuredClone(deployment) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
  const container = broken.spec.template.spec.containers[0] as { ports: { containerPort: unknown }[] };
  container.ports[0] = { containerPort: 'nine thousand' };
  expect(schemaProblem(broken as unknown as RawObject)).toMatch(/containerPort must be integer/);
  const nameless = structuredClone(deployment) as typeof broken;
  delete nameless.spec.template.spec.containers[0]?.name;
  expect(schemaProblem(nameless as unknown as RawObject)).toMatch(/must have required property name/);
  expect(schemaProblem({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x' } })).toMatch(/no schema for v1 NoSuchKind/);
});

// What kustomize v2.0.3 (the one inside Debian bookworm's kubectl 1.20) understands: newer fields such as
// `labels`, `patches`, `components` or `replacements` would render here with a new kubectl and fail there.
const KUSTOMIZE_V2_FIELDS = ['apiVersion', 'kind', 'resources', 'bases', 'namespace', 'namePrefix', 'nameSuffix', 'commonLabels', 'commonAnnotations',
  'patchesStrategicMerge', 'patchesJson6902', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'images', 'vars', 'crds'];

it('uses only kustomization fields that kustomize v2.0.3 (Debian\'s kubectl 1.20) understands', () => {
  const files = ['base', ...OVERLAYS.map((o) => path.join('overlays', o))].map((dir) => path.join(KUSTOMIZE_ROOT, dir, 'kustomization.yaml'));
  for (const file of files) {
    const fields = Object.keys(parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>);
    expect({ file: path.relative(KUSTOMIZE_ROOT, file), unknown: fields.filter((f) => !KUSTOMIZE_V2_FIELDS.includes(f)) }).toEqual({ file: path.relative(KUSTOMIZE_ROOT, file), unknown: [] });
  }
});
