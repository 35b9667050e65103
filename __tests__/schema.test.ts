/**
 * Every object we emit validates against the gate's strict schemas (policy/schema, generated from
 * the Kubernetes 1.28 OpenAPI and the CRDs), and against an independent judge: kubernetes-models
 * for Kubernetes kinds, @kubernetes-models/argo-cd for Argo CD CRDs. Where the judge refuses a
 * mutant of an emitted object, the gate must refuse it too.
 *
 * About the independent judge:
 *
 * What these validators check (ajv functions compiled from the OpenAPI / CRD schemas):
 * apiVersion and kind (enum), JSON types (string/integer/boolean/array/object), required
 * fields, enums (e.g. protocol, imagePullPolicy, policyTypes), formats (int32/int64,
 * quantity, int-or-string). What they do NOT check: unknown or misspelt fields (no
 * `additionalProperties: false`, pinned below), name patterns / lengths (DNS-1123), numeric
 * ranges (negative replicas, port 70000), and `null` is accepted for optional fields.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AppProject, Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import Ajv from 'ajv';
import { ConfigMap, LimitRange, Namespace, ResourceQuota, Service, ServiceAccount } from 'kubernetes-models/v1';
import { compile } from '../compiler/compile';
import { apps, platform } from '../apps';
import { checkManifests, Finding, readManifests } from '../policy';
import { loadDist } from './dist-files';

interface SchemaModel {
  readonly apiVersion: string;
  readonly kind: string;
  new (data?: any): { validate(): void };
}

/**
 * The only kinds the judge knows. A kind missing here fails the test: add its model class
 * (from kubernetes-models or a CRD package) rather than skip it.
 */
const MODELS: SchemaModel[] = [
  Namespace, ResourceQuota, LimitRange, ServiceAccount, Service, ConfigMap,
  NetworkPolicy, Role, RoleBinding, ClusterRole, ClusterRoleBinding, Deployment, PodDisruptionBudget,
  StatefulSet, DaemonSet, Job, CronJob, Ingress,
  AppProject, Application,
];
/**
 * A CRD's kind judged by Ajv against the upstream CRD's own openAPIV3Schema, read from `../shared`
 * (never copied into the repo). Without `../shared` beside the project, these kinds are judged by
 * the gate's validators generated from the same CRDs only, and this judge says so.
 */
function crdModel(file: string, kind: string, version: string): SchemaModel {
  const apiVersionOf = (group: string) => `${group}/${version}`;
  const full = path.join(__dirname, '..', '..', 'shared', 'crds', file);
  if (!fs.existsSync(full)) {
    return Object.assign(class {
      validate(): void { throw new Error(`${kind}: no upstream CRD at ${full} to judge it (run beside ../shared)`); }
    }, { apiVersion: apiVersionOf(kind === 'SealedSecret' ? 'bitnami.com' : 'external-secrets.io'), kind });
  }
  const crd = parseAllDocuments(fs.readFileSync(full, 'utf8')).map(d => d.toJSON()).find(d => d?.spec?.names?.kind === kind);
  const served = crd.spec.versions.find((v: any) => v.name === version);
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(served.schema.openAPIV3Schema);
  return Object.assign(class {
    constructor(private readonly data: any) {}
    validate(): void {
      if (!validate(this.data)) throw new Error(JSON.stringify(validate.errors?.slice(0, 3)));
    }
  }, { apiVersion: apiVersionOf(crd.spec.group), kind });
}
MODELS.push(
  crdModel('external-secrets-v2.9.0/externalsecret-crd.yaml', 'ExternalSecret', 'v1'),
  crdModel('sealed-secrets-v0.36.6/sealedsecret-crd.yaml', 'SealedSecret', 'v1alpha1'),
);
const BY_TYPE = new Map(MODELS.map(m => [`${m.apiVersion} ${m.kind}`, m]));

function describeObject(obj: any): string {
  const meta = obj?.metadata ?? {};
  return `${obj?.apiVersion} ${obj?.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;
}

/** Why `obj` violates its official schema, or undefined if it is valid. */
function schemaViolation(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return `not a Kubernetes object: ${JSON.stringify(obj)}`;
  }
  const { apiVersion, kind } = obj as Record<string, unknown>;
  const model = BY_TYPE.get(`${apiVersion} ${kind}`);
  if (!model) {
    return `${describeObject(obj)}: no schema model for apiVersion ${JSON.stringify(apiVersion)} kind ${JSON.stringify(kind)}; `
      + 'add its model class to MODELS in __tests__/schema.test.ts';
  }
  try {
    new model(obj).validate();
    return undefined;
  } catch (e) {
    return `${describeObject(obj)}: ${(e as Error).message}`;
  }
}

const DIST = path.join(__dirname, '..', 'dist');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

const compiled = compile(apps, platform);
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
function firstEmitted(kind: string): any {
  const found = compiled.objects.find(o => o.kind === kind);
  if (!found) throw new Error(`compile(apps) emitted no ${kind} to mutate`);
  return clone(found);
}

describe('official schema validation', () => {
  test('every object compile(apps) emits validates against its official schema', () => {
    expect(compiled.errors).toEqual([]);
    expect(compiled.objects.length).toBeGreaterThan(0);
    const violations = compiled.objects.map(schemaViolation).filter((v): v is string => v !== undefined);
    expect(violations).toEqual([]);
  });

  test('every document of every YAML file under dist/ parses and validates against its official schema', () => {
    const files = yamlFiles(DIST);
    expect(files.length).toBeGreaterThan(0);
    const violations: string[] = [];
    let documents = 0;
    for (const file of files) {
      const where = path.relative(DIST, file);
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        for (const problem of [...doc.errors, ...doc.warnings]) violations.push(`${where}: YAML: ${problem.message}`);
        documents++;
        const v = schemaViolation(doc.toJS());
        if (v) violations.push(`${where}: ${v}`);
      }
    }
    expect(violations).toEqual([]);
    expect(documents).toBeGreaterThan(0);
  });
});

describe('the schema judge can fail', () => {
  test('the unmutated emitted objects used below are valid (so each rejection is due to its mutation)', () => {
    for (const kind of ['Deployment', 'NetworkPolicy', 'AppProject', 'Application']) {
      expect(schemaViolation(firstEmitted(kind))).toBeUndefined();
    }
  });

  test('rejects a Deployment whose replicas is a string', () => {
    const d = firstEmitted('Deployment');
    d.spec.replicas = 'two';
    expect(schemaViolation(d)).toMatch(/\/spec\/replicas must be integer/);
  });

  test('rejects a container without a name', () => {
    const d = firstEmitted('Deployment');
    delete d.spec.template.spec.containers[0].name;
    expect(schemaViolation(d)).toMatch(/\/spec\/template\/spec\/containers\/0 must have required property name/);
  });

  test('rejects a CPU limit that is not a Kubernetes quantity', () => {
    const d = firstEmitted('Deployment');
    d.spec.template.spec.containers[0].resources = { limits: { cpu: 'lots' } };
    expect(schemaViolation(d)).toMatch(/\/limits\/cpu must match format "quantity"/);
  });

  test('rejects a NetworkPolicy port whose protocol is a number', () => {
    const np = firstEmitted('NetworkPolicy');
    np.spec.ingress = [{ ports: [{ protocol: 6, port: 80 }] }];
    expect(schemaViolation(np)).toMatch(/\/spec\/ingress\/0\/ports\/0\/protocol must be string/);
  });

  test('rejects an AppProject whose sourceRepos is a string instead of a list', () => {
    const p = firstEmitted('AppProject');
    p.spec.sourceRepos = 'https://github.com/acme/deployments';
    expect(schemaViolation(p)).toMatch(/\/spec\/sourceRepos must be array/);
  });

  test('rejects a SealedSecret whose encryptedData is a string, and an ExternalSecret whose data is an object (the upstream CRDs judge them)', () => {
    const sealed = firstEmitted('SealedSecret');
    sealed.spec.encryptedData = 'AgB...';
    expect(schemaViolation(sealed)).toMatch(/encryptedData/);
    const external = firstEmitted('ExternalSecret');
    external.spec.data = { key: 'password' };
    expect(schemaViolation(external)).toMatch(/\/spec\/data/);
  });

  test('rejects an Application without a destination', () => {
    const a = firstEmitted('Application');
    delete a.spec.destination;
    expect(schemaViolation(a)).toMatch(/\/spec must have required property destination/);
  });

  test('rejects a known kind under the wrong apiVersion', () => {
    const d = firstEmitted('Deployment');
    d.apiVersion = 'apps/v1beta1';
    expect(schemaViolation(d)).toMatch(/no schema model for apiVersion "apps\/v1beta1" kind "Deployment"/);
  });

  test('fails an object of a kind it has no schema model for instead of skipping it', () => {
    expect(schemaViolation({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .toMatch(/no schema model for apiVersion "example.com\/v1" kind "Widget"/);
    expect(schemaViolation({ metadata: { name: 'no-type-meta' } })).toMatch(/no schema model/);
    expect(schemaViolation(null)).toMatch(/not a Kubernetes object/);
  });

  test('known limit: does NOT reject unknown or misspelt fields (the schemas are not strict); the gate does', () => {
    // If the first expectation starts failing, the judge became strict too.
    const d = firstEmitted('Deployment');
    d.spec.replicass = 3;
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(schemaViolation(d)).toBeUndefined();
    expect(schemaFindings([d]).map(f => f.field)).toEqual(['spec.replicass', 'spec.template.spec.containers[0].imagePullPolicyy']);
  });
});

/** The findings of the gate's schema family. */
function schemaFindings(objects: any[]): Finding[] {
  return checkManifests(objects).findings.filter(f => f.rule.startsWith('schema.'));
}

describe('the gate\'s strict schemas', () => {
  test('every object compile(apps) emits validates', () => {
    expect(schemaFindings(compiled.objects)).toEqual([]);
  });

  test('every object of every file under dist/, read as the API server reads YAML, validates', () => {
    const objects = loadDist().flatMap(f => f.objects);
    expect(objects.length).toBeGreaterThan(100);
    expect(schemaFindings(objects)).toEqual([]);
  });

  test('every kind we emit has a generated schema (none is only warned about)', () => {
    const kinds = [...new Set(compiled.objects.map(o => `${o.apiVersion} ${o.kind}`))];
    expect(kinds.length).toBeGreaterThan(5);
    expect(schemaFindings(compiled.objects).filter(f => f.rule === 'schema.unknown-crd')).toEqual([]);
  });

  test('refuses what the judge refuses above, each at its field', () => {
    const cases: [string, any, string][] = [];
    const d1 = firstEmitted('Deployment'); d1.spec.replicas = 'two'; cases.push(['replicas', d1, 'spec.replicas']);
    const d2 = firstEmitted('Deployment'); delete d2.spec.template.spec.containers[0].name;
    cases.push(['container name', d2, 'spec.template.spec.containers[0].name']);
    const d3 = firstEmitted('Deployment'); d3.spec.template.spec.containers[0].resources = { limits: { cpu: 'lots' } };
    cases.push(['quantity', d3, 'spec.template.spec.containers[0].resources.limits.cpu']);
    const np = firstEmitted('NetworkPolicy'); np.spec.ingress = [{ ports: [{ protocol: 6, port: 80 }] }];
    cases.push(['protocol', np, 'spec.ingress[0].ports[0].protocol']);
    const p = firstEmitted('AppProject'); p.spec.sourceRepos = 'https://github.com/acme/deployments';
    cases.push(['sourceRepos', p, 'spec.sourceRepos']);
    const a = firstEmitted('Application'); delete a.spec.destination;
    cases.push(['destination', a, 'spec.destination']);
    for (const [name, object, field] of cases) {
      expect([name, schemaFindings([object]).map(f => [f.rule, f.field])]).toEqual([name, [['schema.valid', field]]]);
    }
    const old = firstEmitted('Deployment'); old.apiVersion = 'apps/v1beta1';
    expect(schemaFindings([old]).map(f => f.rule)).toEqual(['schema.removed-api']);
  });
});

/**
 * Mutants of one emitted object of each kind: every leaf replaced by a value of another JSON type,
 * and every field deleted in turn.
 */
function mutants(object: any): { what: string; object: any }[] {
  const out: { what: string; object: any }[] = [];
  const visit = (value: any, path: (string | number)[]) => {
    if (path.length > 0 && !(path[0] === 'metadata' && path.length > 1)) {
      const replacement = typeof value === 'string' ? 42 : typeof value === 'boolean' ? 'true' : typeof value === 'number' ? 'x' : 'x';
      out.push({ what: `${path.join('.')} = ${JSON.stringify(replacement)}`, object: setAt(object, path, replacement) });
      if (typeof path[path.length - 1] === 'string') out.push({ what: `delete ${path.join('.')}`, object: setAt(object, path, undefined) });
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, Array.isArray(value) ? Number(k) : k]);
    }
  };
  visit(object, []);
  return out;
}

function setAt(object: any, path: (string | number)[], value: unknown): any {
  const copy = clone(object);
  const parent = path.slice(0, -1).reduce((o, k) => o[k], copy);
  const key = path[path.length - 1];
  if (value === undefined) delete parent[key]; else parent[key] = value;
  return copy;
}

/**
 * Where the judge is stricter than the API server: the OpenAPI marks these required only because
 * their Go fields lack `omitempty`; the API server's validation accepts them absent.
 */
const JUDGE_STRICTER = ['NetworkPolicy delete spec.podSelector', 'LimitRange delete spec.limits'];

test('the gate refuses every mutant of an emitted object that the independent judge refuses', () => {
  const oneOfEach = [...new Map(compiled.objects.map(o => [`${o.apiVersion} ${o.kind}`, o])).values()];
  let refusedByJudge = 0;
  const missed: string[] = [];
  for (const original of oneOfEach) {
    for (const { what, object } of mutants(original)) {
      if (schemaViolation(object) === undefined) continue;
      refusedByJudge++;
      if (schemaFindings([object]).length === 0) missed.push(`${original.kind} ${what}`);
    }
  }
  expect(missed.sort()).toEqual([...JUDGE_STRICTER].sort());
  expect(refusedByJudge).toBeGreaterThan(200);
});

test('a manifest read from YAML 1.1 text: "yes" is a boolean, "\"true\"" is a string where a boolean belongs', () => {
  const text = (value: string) => `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop-production}
spec:
  hostNetwork: ${value}
  containers: [{name: debug, image: busybox}]
`;
  expect(schemaFindings(readManifests(text('yes')))).toEqual([]);
  expect(schemaFindings(readManifests(text('"true"'))).map(f => [f.field, f.message]))
    .toEqual([['spec.hostNetwork', 'expected boolean, got string "true"']]);
});
