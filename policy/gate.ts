import { RULES } from './catalogue';
import { Departure, departureCovers, departures } from './departures';
import { describeObject, Json, ManifestContext } from './model';
import { Rule, RuleViolation, Severity } from './rule';


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
  /** The reason of the departure (exception or waiver) that excuses it, if one does. */
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
  /** Every exception and waiver in the set, well-formed or not, with how many findings each excuses. */
  readonly departures: DepartureEntry[];
}

/** A departure as the gate read it, for the report. */
export interface DepartureEntry {
  readonly object: string;
  readonly annotation: string;
  readonly kind: 'exception' | 'waiver';
  readonly rules: readonly string[];
  readonly reason: string;
  /** Why it excuses nothing, when malformed. */
  readonly problem?: string;
  /** How many findings it excuses. */
  readonly excuses: number;
}

export interface GateOptions {
  /**
   * The instant time-boxed grants are judged against (an exec grant's expiry), so that a test or
   * a replayed audit gets the same verdict on any day.
   * @default - the real clock
   */
  readonly now?: Date;
}

/**
 * The gate: judges every object, whoever built it, against the whole rule catalogue. A finding
 * is excused only by a well-formed departure (exception or waiver) on the object the finding
 * names, for a rule that may be waived; it then shows in the report rather than disappearing.
 */
export function checkManifests(objects: Json[], options: GateOptions = {}): GateResult {
  const ctx = new ManifestContext(objects, { now: options.now });
  const onObject = new Map<Json, Departure[]>();
  const all = departures(ctx, RULES);
  for (const d of all) if (d.problem === undefined) onObject.set(d.object, [...(onObject.get(d.object) ?? []), d]);
  const excused = new Map<Departure, number>();
  const findings = RULES.flatMap(rule => judge(rule, ctx).map((v): Finding => {
    const departure = rule.waivable === false ? undefined : (onObject.get(v.object) ?? [])
      .find(d => departureCovers(d, rule.id, v.subject));
    if (departure) excused.set(departure, (excused.get(departure) ?? 0) + 1);
    return {
      // A rule that could not judge fails the gate even when its findings are only warnings.
      rule: rule.id, severity: UNJUDGED.has(v) ? 'error' : rule.severity, title: rule.title, object: describeObject(v.object), field: v.field,
      message: v.message, fix: rule.fix, ...(departure ? { waiver: departure.reason } : {}),
    };
  }));
  return {
    findings,
    failures: findings.filter(f => !f.waiver && f.severity === 'error'),
    warnings: findings.filter(f => !f.waiver && f.severity === 'warning'),
    waived: findings.filter(f => f.waiver),
    departures: all.map(d => ({
      object: describeObject(d.object), annotation: d.annotation, kind: d.kind, rules: d.rules, reason: d.reason,
      ...(d.problem ? { problem: d.problem } : {}), excuses: excused.get(d) ?? 0,
    })),
  };
}

/**
 * A rule's violations; a rule that fails on input it did not expect has not judged it, and
 * what the gate cannot judge is a finding, never a pass.
 */
const UNJUDGED = new WeakSet<RuleViolation>();

function judge(rule: Rule, ctx: ManifestContext): RuleViolation[] {
  try {
    return rule.check(ctx);
  } catch (e) {
    const unjudged: RuleViolation = {
      object: { kind: 'ManifestSet', metadata: { name: '(all objects)' } }, field: '',
      message: `the rule could not judge this set (${(e as Error).message}); some object holds a value of an unexpected type`,
    };
    UNJUDGED.add(unjudged);
    return [unjudged];
  }
}

/** One line per finding, as the synth and audit commands print them. */
export function formatFinding(f: Finding): string {
  return `${f.waiver ? 'waived' : f.severity} ${f.rule} [${f.object}] ${f.field}: ${f.message}. Fix: ${f.fix}${f.waiver ? ` (waived: ${f.waiver})` : ''}`;
}
