import { App, Chart } from 'cdk8s';
import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import {
  CanIOptions, checkManifests, describeObject, formatFinding, GrantPath, GuardrailError, Json, PodSecurityLevel, POD_SECURITY_LEVELS,
  podSecurityFindings, podTemplateOf, rbacIndex, serviceAccountUser,
} from '../policy';
import { isApp } from './synth';

/**
 * Jest matchers for manifests, registered by importing `cdk8s-guardrails/testing` (or by
 * `installMatchers(expect)`). What they take as "manifests": a list of objects, a single object, a
 * `synthApp`/`synthChart` result (or a compile result without errors), a cdk8s Chart or App
 * (synthesized with `toJson()`).
 */

/** Who asks, for `toGrant`: a username (`system:serviceaccount:<ns>:<name>`, `alice`), an RBAC subject, or anything with a `subject` username (a ScopedDeployer). */
export type GrantSubject =
  | string
  | { readonly kind: 'ServiceAccount'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'User' | 'Group'; readonly name: string }
  | { readonly subject: string };

/** What is asked about, for `toGrant`: `secrets`, `deployments.apps`, `pods/exec`, `deployments.apps/scale`, a URL (`/metrics`), or group and resource apart. */
export type ResourceRef = string | { readonly group: string; readonly resource: string };

/** What a matcher returns to jest. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** The part of jest's matcher context the matchers use. */
export interface MatcherContext {
  readonly isNot?: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // R and T as @types/jest declares them: declarations of one interface must agree.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> {
      /** The manifests (objects, a synth result, a Chart or App) have no unwaived error finding by the gate. */
      toPassGuardrails(): R;
      /** Every pod template in the manifests (there must be one) meets Pod Security `level` at `version` (default latest). */
      toMeetPodSecurity(level: PodSecurityLevel, version?: string | number): R;
      /** RBAC in the manifests (and the built-in roles) lets `subject` `verb` the resource, in `namespace` or else cluster-wide. */
      toGrant(subject: GrantSubject, verb: string, resource: ResourceRef, namespace?: string, options?: CanIOptions): R;
      /** The function throws a refusal (GuardrailError, or a cdk8s validation error) or compile refuses the spec(s), with an error matching `message`. */
      toBeRefused(message?: RegExp | string, platform?: PlatformSpec): R;
    }
  }
}

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const indent = (lines: readonly string[], by = '  ') => lines.map(l => by + l.replace(/\n/g, `\n${by}`)).join('\n');

/** The objects `received` stands for, or why it stands for none. */
export function manifestsOf(received: unknown): { objects: Json[] } | { problem: string } {
  try {
    if (Chart.isChart(received)) return { objects: (received as Chart).toJson() };
    if (isApp(received)) return { objects: (received as App).charts.flatMap(c => c.toJson()) };
  } catch (e) {
    return { problem: `the chart does not synthesize: ${(e as Error)?.message ?? String(e)}` };
  }
  if (Array.isArray(received)) {
    const bad = received.findIndex(o => !isObject(o));
    return bad < 0 ? { objects: received } : { problem: `item ${bad} of the list is not an object (got ${typeof received[bad]})` };
  }
  if (isObject(received) && Array.isArray(received.objects)) {
    if (Array.isArray(received.errors) && received.errors.length > 0) {
      return { problem: `the specs did not compile:\n${indent(received.errors.map(String))}` };
    }
    return manifestsOf(received.objects);
  }
  if (isObject(received) && typeof received.kind === 'string') return { objects: [received] };
  return { problem: `expected Kubernetes objects, a synth result, a Chart or an App, but got ${received === null ? 'null' : typeof received}` };
}

/** A result that fails whether or not the matcher is negated: input the matcher cannot judge. */
function unusable(ctx: MatcherContext, matcher: string, problem: string): MatcherResult {
  return { pass: !!ctx.isNot, message: () => `${matcher}: ${problem}` };
}

// ---------------------------------------------------------------------------------------------

function toPassGuardrails(this: MatcherContext, received: unknown): MatcherResult {
  const m = manifestsOf(received);
  if ('problem' in m) return unusable(this, 'toPassGuardrails', m.problem);
  // A synth result carries the gate's verdict on exactly these objects; anything else is judged here.
  const gate = isObject(received) && isObject(received.gate) && Array.isArray(received.gate.failures)
    && received.objects === m.objects ? received.gate as ReturnType<typeof checkManifests> : checkManifests(m.objects);
  const pass = gate.failures.length === 0;
  const waived = gate.waived.length ? `, ${plural(gate.waived.length, 'finding')} waived` : '';
  const warnings = gate.warnings.length ? `, ${plural(gate.warnings.length, 'warning')}` : '';
  return {
    pass,
    message: () => (pass
      ? `expected the gate to fail ${plural(m.objects.length, 'object')}, but it passes them (no unwaived error${waived}${warnings})`
      : `expected ${plural(m.objects.length, 'object')} to pass the guardrails, but the gate fails ${plural(gate.failures.length, 'finding')}:\n`
        + indent(gate.failures.map(formatFinding))),
  };
}

const joinPath = (...parts: string[]) => parts.filter(Boolean).join('.').replace(/\.\[/g, '[');

function toMeetPodSecurity(this: MatcherContext, received: unknown, level: PodSecurityLevel, version: string | number = 'latest'): MatcherResult {
  if (!(POD_SECURITY_LEVELS as readonly unknown[]).includes(level)) {
    return unusable(this, 'toMeetPodSecurity', `the level must be one of ${POD_SECURITY_LEVELS.join(', ')} (got ${JSON.stringify(level)})`);
  }
  const m = manifestsOf(received);
  if ('problem' in m) return unusable(this, 'toMeetPodSecurity', m.problem);
  const pods = m.objects.flatMap(o => { const t = podTemplateOf(o); return t ? [t] : []; });
  if (pods.length === 0) {
    return unusable(this, 'toMeetPodSecurity', `none of the ${plural(m.objects.length, 'object')} has a pod template to judge`);
  }
  const judged = pods.map(pod => ({
    pod,
    findings: podSecurityFindings(pod.spec, level, pod.metadata, version).map(f => {
      const field = f.field === 'metadata' || f.field.startsWith('metadata.') || f.field.startsWith('metadata[')
        ? joinPath(pod.metadataPath, f.field.slice('metadata'.length).replace(/^\./, ''))
        : joinPath(pod.specPath, f.field);
      return `${f.rule} ${field}: ${f.message}`;
    }),
  }));
  const broken = judged.filter(j => j.findings.length > 0);
  const at = `Pod Security "${level}" (${typeof version === 'number' ? `v1.${version}` : version})`;
  return {
    pass: broken.length === 0,
    message: () => (broken.length === 0
      ? `expected some pod template to break ${at}, but all ${plural(pods.length, 'pod template')} meet it: ${pods.map(p => describeObject(p.object)).join(', ')}`
      : `expected every pod template to meet ${at}, but ${broken.length} of ${pods.length} ${broken.length === 1 ? 'breaks' : 'break'} it:\n`
        + broken.map(b => `  ${describeObject(b.pod.object)}:\n${indent(b.findings, '    ')}`).join('\n')),
  };
}

/** The username and groups of a subject, and how to name it; undefined when it is none. */
function principal(subject: unknown): { user: string; groups?: string[]; shown: string } | undefined {
  if (typeof subject === 'string' && subject !== '') return { user: subject, shown: subject };
  if (!isObject(subject)) return undefined;
  if (typeof subject.subject === 'string' && subject.subject !== '') return { user: subject.subject, shown: subject.subject };
  if (typeof subject.name !== 'string' || subject.name === '') return undefined;
  if (subject.kind === 'ServiceAccount' && typeof subject.namespace === 'string' && subject.namespace !== '') {
    const user = serviceAccountUser(subject.namespace, subject.name);
    return { user, shown: user };
  }
  if (subject.kind === 'User') return { user: subject.name, shown: `user ${subject.name}` };
  // No binding names the user '': only the group's bindings count.
  if (subject.kind === 'Group') return { user: '', groups: [subject.name], shown: `group ${subject.name}` };
  return undefined;
}

/** `deployments.apps/scale` as group `apps` and resource `deployments/scale`, as kubectl auth can-i reads it. */
export function parseResource(ref: ResourceRef): { group: string; resource: string; shown: string } | undefined {
  if (isObject(ref) && typeof ref.group === 'string' && typeof ref.resource === 'string' && ref.resource !== '') {
    const [base, ...sub] = ref.resource.split('/');
    return { ...ref, shown: ref.resource.startsWith('/') ? ref.resource : [ref.group ? `${base}.${ref.group}` : base, ...sub].join('/') };
  }
  if (typeof ref !== 'string' || ref === '') return undefined;
  if (ref.startsWith('/')) return { group: '', resource: ref, shown: ref };
  const [base, ...sub] = ref.split('/');
  const dot = base.indexOf('.');
  const resource = [dot < 0 ? base : base.slice(0, dot), ...sub].join('/');
  return { group: dot < 0 ? '' : base.slice(dot + 1), resource, shown: ref };
}

function describeGrant(path: GrantPath): string {
  const named = path.binding.role;
  const holder = `${describeObject(path.grant.role)}${path.grant.builtin ? ' (built in)' : ''}`;
  // A ClusterRole with an aggregationRule holds the rules of the ClusterRoles it selects.
  const role = named && named.name !== path.grant.role?.metadata?.name
    ? `${named.kind} ${named.namespace ? `${named.namespace}/` : ''}${named.name}, aggregating ${holder}` : holder;
  return `${describeObject(path.binding.object)} subjects[${path.subjectIndex}] -> ${role} rules[${path.grant.index}]`;
}

function toGrant(
  this: MatcherContext, received: unknown, subject: GrantSubject, verb: string, resource: ResourceRef, namespace?: string, options: CanIOptions = {},
): MatcherResult {
  const who = principal(subject);
  if (!who) return unusable(this, 'toGrant', `the subject must be a username, { kind: 'ServiceAccount', namespace, name }, { kind: 'User' | 'Group', name } or have a subject (got ${JSON.stringify(subject)})`);
  const what = parseResource(resource);
  if (!what) return unusable(this, 'toGrant', `the resource must be e.g. secrets, deployments.apps, pods/exec, /metrics or { group, resource } (got ${JSON.stringify(resource)})`);
  if (typeof verb !== 'string' || verb === '') return unusable(this, 'toGrant', `the verb must be a string such as get or create (got ${JSON.stringify(verb)})`);
  const m = manifestsOf(received);
  if ('problem' in m) return unusable(this, 'toGrant', m.problem);
  const path = rbacIndex(m.objects).whoGrants(who.user, { verb, group: what.group, resource: what.resource, namespace, name: options.name }, options.groups ?? who.groups);
  const where = what.resource.startsWith('/') ? '' : namespace === undefined ? ' cluster-wide' : ` in namespace ${namespace}`;
  const request = `${verb} ${what.shown}${options.name === undefined ? '' : ` named ${JSON.stringify(options.name)}`}${where}`;
  return {
    pass: path !== undefined,
    message: () => (path
      ? `expected ${who.shown} not to be allowed to ${request}, but it is, by ${describeGrant(path)}`
      : `expected ${who.shown} to be allowed to ${request}, but no binding in the ${plural(m.objects.length, 'object')} (or built in) grants it`),
  };
}

/** What building `received` came to: refused (with the messages), accepted, or crashed. */
type Outcome = { refused: string[] } | { accepted: true } | { crashed: string } | { problem: string };

const isRefusal = (e: unknown): e is Error => e instanceof GuardrailError
  || (e instanceof Error && (e.name === 'GuardrailError' || /^Validation failed with the following errors/.test(e.message)));

function crashOf(e: unknown): string {
  if (!(e instanceof Error)) return `threw ${typeof e} ${String(e)}`;
  const frames = (e.stack ?? '').split('\n').filter(l => /^\s+at /.test(l)).slice(0, 3).map(l => `  ${l.trim()}`);
  return `${e.name}: ${e.message}${frames.length ? `\n${frames.join('\n')}` : ''}`;
}

function outcome(received: unknown, platform: PlatformSpec | undefined): Outcome {
  if (typeof received === 'function') {
    try {
      const value = received();
      if (value !== null && typeof value === 'object' && typeof (value as any).then === 'function') {
        return { problem: 'the function returned a promise; toBeRefused builds synchronously (await the build, then pass a function that throws)' };
      }
      // A construct refuses when built or, for validations, when its chart is synthesized.
      if (Chart.isChart(value)) (value as Chart).toJson();
      else if (isApp(value)) (value as App).charts.forEach(c => c.toJson());
      return { accepted: true };
    } catch (e) {
      return isRefusal(e) ? { refused: [e.message] } : { crashed: crashOf(e) };
    }
  }
  if (!isObject(received) && !Array.isArray(received)) {
    return { problem: `expected a function that builds, an app spec or a list of app specs, but got ${received === null ? 'null' : typeof received}` };
  }
  try {
    const { errors } = compile((Array.isArray(received) ? received : [received]) as AppSpec[], platform);
    // Every refusal of compile says how to fix it; a message that does not is an error compile caught.
    const unreadable = errors.filter(e => !e.includes('Fix: '));
    if (unreadable.length) return { crashed: `compile failed with errors that say no "Fix:":\n${indent(unreadable)}` };
    return errors.length ? { refused: errors } : { accepted: true };
  } catch (e) {
    return { crashed: crashOf(e) };
  }
}

function toBeRefused(this: MatcherContext, received: unknown, message?: RegExp | string, platform?: PlatformSpec): MatcherResult {
  if (message !== undefined && typeof message !== 'string' && !(message instanceof RegExp)) {
    return unusable(this, 'toBeRefused', `the expected message must be a RegExp or a string (got ${typeof message})`);
  }
  const o = outcome(received, platform);
  if ('problem' in o) return unusable(this, 'toBeRefused', o.problem);
  // A crash is no refusal, negated or not: the input must be refused readably or accepted.
  if ('crashed' in o) return unusable(this, 'toBeRefused', `expected a refusal${message === undefined ? '' : ` matching ${message}`}, but building crashed:\n${indent([o.crashed])}`);
  const shown = message === undefined ? '' : ` with an error matching ${message}`;
  if ('accepted' in o) return { pass: false, message: () => `expected to be refused${shown}, but it was accepted` };
  const matches = (e: string) => message === undefined || (typeof message === 'string' ? e.includes(message) : new RegExp(message.source, message.flags.replace(/[gy]/g, '')).test(e));
  const pass = o.refused.some(matches);
  return {
    pass,
    message: () => (pass
      ? `expected not to be refused${shown}, but it was:\n${indent(o.refused)}`
      : `expected to be refused${shown}, but the ${plural(o.refused.length, 'error')} did not match:\n${indent(o.refused)}`),
  };
}

/** The matchers, for `expect.extend(guardrailsMatchers)`. */
export const guardrailsMatchers = { toPassGuardrails, toMeetPodSecurity, toGrant, toBeRefused };
