import { WAIVER_PREFIX } from './annotations';
import { RULES } from './catalogue';
import { describeObject, Json, ManifestContext } from './model';
import { Severity } from './rule';


/** A rule broken by an object. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  /** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
  readonly object: string;
  readonly field: string;
  readonly message: string;
  readonly fix: string;
  /** The reason of the waiver that excuses it, if one does. */
  readonly waiver?: string;
}

/** What the gate concluded about a set of manifests. */
export interface GateResult {
  /** Every finding, waived or not, in rule order. */
  readonly findings: Finding[];
  /** Unwaived errors: any of these fails the gate. */
  readonly failures: Finding[];
  /** Unwaived warnings. */
  readonly warnings: Finding[];
  /** Findings excused by a waiver, with its reason. */
  readonly waived: Finding[];
}

/**
 * The gate: judges every object, whoever built it, against the whole rule catalogue. A finding
 * is excused only by a waiver on the object itself, `guardrails.cdk8s.io/waive.<rule id>:
 * <reason>`, which then shows in the report rather than disappearing.
 */
export function checkManifests(objects: Json[]): GateResult {
  const ctx = new ManifestContext(objects);
  const findings = RULES.flatMap(rule => rule.check(ctx).map((v): Finding => {
    const reason = rule.id === 'waiver.valid' ? undefined : v.object?.metadata?.annotations?.[`${WAIVER_PREFIX}${rule.id}`];
    const valid = typeof reason === 'string' && reason.trim().length >= 10;
    return {
      rule: rule.id, severity: rule.severity, title: rule.title, object: describeObject(v.object), field: v.field,
      message: v.message, fix: rule.fix, ...(valid ? { waiver: reason.trim() } : {}),
    };
  }));
  return {
    findings,
    failures: findings.filter(f => !f.waiver && f.severity === 'error'),
    warnings: findings.filter(f => !f.waiver && f.severity === 'warning'),
    waived: findings.filter(f => f.waiver),
  };
}

/** One line per finding, as the synth and audit commands print them. */
export function formatFinding(f: Finding): string {
  return `${f.severity} ${f.rule} [${f.object}] ${f.field}: ${f.message}. Fix: ${f.fix}${f.waiver ? ` (waived: ${f.waiver})` : ''}`;
}
