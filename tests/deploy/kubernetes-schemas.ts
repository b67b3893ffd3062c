import { Service, Secret, ConfigMap } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { RawObject } from './kubectl';

/**
 * Validation of rendered objects against the Kubernetes OpenAPI schemas, through kubernetes-models
 * (its classes carry the upstream schema as a compiled validator). It checks types, required fields
 * and formats; like the schemas themselves it does not refuse unknown fields, so the invariant
 * tests check the fields that matter by name.
 */

/** A kubernetes-models class: built from the object's data, `validate()` throws on a schema violation. */
type ModelClass = new (data: never) => { validate(): void };

/** The kinds the manifests use, by `apiVersion kind`. A kind missing here fails the test: add it. */
const MODELS: Record<string, ModelClass> = {
  'v1 Service': Service,
  'v1 Secret': Secret,
  'v1 ConfigMap': ConfigMap,
  'apps/v1 Deployment': Deployment,
  'apps/v1 StatefulSet': StatefulSet,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
};

/** Why `object` does not match its kind's schema, or undefined when it does. */
export function schemaProblem(object: RawObject): string | undefined {
  const type = `${String(object.apiVersion)} ${String(object.kind)}`;
  const model = MODELS[type];
  if (!model) return `no schema for ${type}: add its kubernetes-models class to tests/deploy/kubernetes-schemas.ts`;
  try {
    new model(withUnwrappedSecretData(object) as never).validate();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * kustomize v5 wraps a generated Secret's base64 every 76 characters. The API server decodes with Go's
 * encoding/base64, which skips line breaks, so such a Secret is valid; the schema's "byte" format is not
 * that lenient. Compare what the server decodes: the data without its line breaks.
 */
function withUnwrappedSecretData(object: RawObject): RawObject {
  const data = object.data;
  if (object.kind !== 'Secret' || typeof data !== 'object' || data === null) return object;
  const unwrapped = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...object, data: unwrapped };
}
