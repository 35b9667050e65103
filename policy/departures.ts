import { EXCEPTION_PREFIX, WAIVER_PREFIX } from './annotations';
import { Json, ManifestContext, podTemplateOf } from './model';
import { POD_SECURITY_CONTROLS } from './pod-security';
import { Rule } from './rule';

/**
 * One way to depart from a rule. Exceptions (`guardrails.cdk8s.io/exception.<what>`, written by
 * our constructs) and waivers (`guardrails.cdk8s.io/waive.<rule id>`, written by hand on any
 * object) are the same thing to the gate: a departure names the rules it relaxes, carries a reason
 * of at least 10 visible characters on one line, and sits on the object that breaks the rule. A
 * malformed one excuses nothing and is itself an error (`waiver.valid`); every one is counted and
 * listed in the report.
 */

export interface Departure {
  /** The object it sits on. */
  readonly object: Json;
  /** The annotation key, e.g. `guardrails.cdk8s.io/exception.capability.NET_BIND_SERVICE`. */
  readonly annotation: string;
  /** What the annotation names after its prefix, e.g. `capability.NET_BIND_SERVICE` or `image.pinned`. */
  readonly what: string;
  /** Where the annotation sits in the object, e.g. `metadata.annotations` or `spec.template.metadata.annotations`. */
  readonly at: string;
  readonly kind: 'exception' | 'waiver';
  /** The rule ids it relaxes. */
  readonly rules: readonly string[];
  /** When set, it relaxes only the findings about this subject (e.g. one capability). */
  readonly subject?: string;
  /** The reason, trimmed; `''` when not a string. */
  readonly reason: string;
  /** Why it is malformed; `undefined` when it is well-formed. */
  readonly problem?: string;
}

/** The rule that asks every pod of a relaxed namespace to name each restricted control it breaks. */
export const REASONED_POD_SECURITY = 'pod-security.reasoned';

/** The restricted controls that have no exception of their own but `pod-security.<control>`. */
const CONTROL_IDS = [...new Set(POD_SECURITY_CONTROLS.map(c => c.id))].sort();

/**
 * What each exception relaxes: `<what>`, or `<what>.<subject>` where `subject` is set (and one
 * of `subjects` when listed). {@link REASONED_POD_SECURITY} is relaxed only by the exception whose
 * full name the finding asks for, e.g. `run-as-root` or `pod-security.host-path`.
 */
export const EXCEPTIONS: Readonly<Record<string, {
  rules: readonly string[]; subject?: boolean; subjects?: readonly string[];
  /**
   * The exception excuses only the findings of this subject, which its rules give only to the one
   * shape the exception stands for (e.g. `kubernetes-api`: a projected token with an audience and a
   * bounded expiry, a read-only ClusterRole); any other finding of those rules stays.
   */
  shape?: string;
}>> = {
  'writable-root-filesystem': { rules: ['hardening.read-only-root'] },
  'run-as-root': { rules: ['hardening.run-as-non-root', REASONED_POD_SECURITY] },
  'capability': { rules: ['hardening.added-capabilities', REASONED_POD_SECURITY], subject: true },
  'pod-security': { rules: [REASONED_POD_SECURITY], subject: true, subjects: CONTROL_IDS },
  'pod-security-level': { rules: ['namespace.relaxed-pod-security'] },
  'internet': { rules: ['network.internet'] },
  'secrets': { rules: ['rbac.secrets-access'] },
  // An Application that renders a Helm or OCI chart (ArgoProject charts): the gate never sees its objects.
  'helm-chart': { rules: ['argocd.chart-unseen'] },
  // A service's kubernetesApi (policy/api-access.ts): the projected token and the read-only
  // ClusterRoleBinding, never the legacy token or a binding that writes or reads Secrets.
  'kubernetes-api': { rules: ['hardening.token-automount', 'rbac.cluster-binding'], shape: 'kubernetes-api' },
  // A person's exec into pods (TeamAccess), on the Role beside its expiry (rbac.exec-expiry).
  'pods-exec': { rules: ['rbac.pod-exec'] },
};

/** Whether departure `d` excuses finding `subject` of `ruleId`. */
export function departureCovers(d: Departure, ruleId: string, subject: string | undefined): boolean {
  if (!d.rules.includes(ruleId)) return false;
  if (ruleId === REASONED_POD_SECURITY) return d.kind === 'exception' && d.what === subject;
  return d.subject === undefined || d.subject === subject;
}

/**
 * A character that shows something: a letter, digit, punctuation or symbol. Controls, format
 * characters, separators, bare combining marks, private-use, unassigned and lone surrogates,
 * default-ignorables (Hangul fillers) and the blank braille pattern do not count.
 */
const VISIBLE = /^(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]$/u;
/** Line breaks in any spelling: a reason on two lines could forge lines in the report. */
const LINE_BREAK = /[\n\r\u0085\u2028\u2029\v\f]/;

export const MIN_REASON = 10;

/** Why `reason` is not a usable reason (`it ...`), or `undefined` when it is. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return `it is not a string but ${reason === null ? 'null' : typeof reason}`;
  if (LINE_BREAK.test(reason)) return 'it runs over more than one line';
  const visible = [...reason].filter(ch => VISIBLE.test(ch)).length;
  return visible < MIN_REASON ? `it has ${visible} visible characters` : undefined;
}

/** The requirement, for messages. */
export const REASON_RULE = `a reason of at least ${MIN_REASON} visible characters, on one line`;

/** The annotation maps of an object that departures may sit in: its own, and its pod template's. */
function annotationMaps(object: Json): { at: string; annotations: Json }[] {
  const maps: { at: string; annotations: Json }[] = [];
  const own = object?.metadata?.annotations;
  if (own !== null && typeof own === 'object') maps.push({ at: 'metadata.annotations', annotations: own });
  const pod = podTemplateOf(object);
  if (pod && pod.metadataPath !== 'metadata' && pod.metadata.annotations !== null && typeof pod.metadata.annotations === 'object') {
    maps.push({ at: `${pod.metadataPath}.annotations`, annotations: pod.metadata.annotations });
  }
  return maps;
}

/**
 * Every departure on `object`, well-formed or not. Our constructs write an exception on a
 * workload and on its pod template (so that pods carry it too); that is one departure.
 */
export function departuresOf(object: Json, catalogue: readonly Rule[]): Departure[] {
  const seen = new Set<string>();
  return annotationMaps(object).flatMap(({ at, annotations }) => Object.keys(annotations).flatMap((annotation): Departure[] => {
    if (seen.has(annotation)) return [];
    seen.add(annotation);
    const raw: unknown = annotations[annotation];
    const reason = typeof raw === 'string' ? raw.trim() : '';
    const base = { object, annotation, at, reason, what: annotation.replace(/^[^/]*\/(exception|waive)\./, '') };
    if (annotation.startsWith(WAIVER_PREFIX)) {
      const id = annotation.slice(WAIVER_PREFIX.length);
      const rule = catalogue.find(r => r.id === id);
      const problem = !rule ? `no rule has the id ${id}`
        : rule.waivable === false ? `${id} cannot be waived: ${unwaivableWhy(rule)}`
          : reasonFinding(raw);
      return [{ ...base, kind: 'waiver', rules: rule ? [id] : [], ...(problem ? { problem } : {}) }];
    }
    if (annotation.startsWith(EXCEPTION_PREFIX)) {
      const what = annotation.slice(EXCEPTION_PREFIX.length);
      const dot = what.indexOf('.');
      const [name, subject] = dot < 0 ? [what, undefined] : [what.slice(0, dot), what.slice(dot + 1)];
      const known = Object.prototype.hasOwnProperty.call(EXCEPTIONS, name) ? EXCEPTIONS[name] : undefined;
      const problem = !known || (known.subject === true) !== (subject !== undefined) || subject === ''
        ? `no exception is called ${what} (known: ${Object.entries(EXCEPTIONS).map(([k, e]) => e.subject ? `${k}.<name>` : k).join(', ')})`
        : known.subjects && !known.subjects.includes(subject!)
          ? `${name}.${subject} names no control; use one of ${known.subjects.map(c => `${name}.${c}`).join(', ')}`
          : reasonFinding(raw);
      const only = subject ?? known?.shape;
      return [{ ...base, kind: 'exception', rules: known?.rules ?? [], ...(only ? { subject: only } : {}), ...(problem ? { problem } : {}) }];
    }
    return [];
  }));
}

function reasonFinding(raw: unknown): string | undefined {
  const problem = reasonProblem(raw);
  return problem && `a departure needs ${REASON_RULE}; ${problem}`;
}

function unwaivableWhy(rule: Rule): string {
  return rule.family === 'pod-security'
    ? 'the API server enforces the namespace\'s Pod Security level whatever the annotations say; give the namespace a lower level, with its reason, instead'
    : 'the API server or the gate itself depends on it, so a waiver would only hide the problem';
}

/** Every departure on every object of the set, once per model. */
export function departures(ctx: ManifestContext, catalogue: readonly Rule[]): Departure[] {
  return ctx.once('departures', () => ctx.objects.flatMap(o => departuresOf(o, catalogue)));
}
