import { Json, ManifestContext } from './model';

export type Severity = 'error' | 'warning';

/** Where a rule found an object breaking it. */
export interface RuleViolation {
  /** The object that breaks the rule, and so the one a waiver must sit on. */
  readonly object: Json;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
  readonly message: string;
  /**
   * What exactly breaks the rule when a departure may relax it for that alone, e.g. the
   * capability `NET_BIND_SERVICE` for `hardening.added-capabilities`.
   */
  readonly subject?: string;
}

/** The rule families, one module each under `policy/rules/`. */
export type RuleFamily =
  | 'pod-security' | 'hardening' | 'images' | 'namespaces' | 'network' | 'rbac' | 'argocd' | 'exposure' | 'secrets' | 'schema' | 'departures';

export interface Rule {
  /** Stable id, e.g. `image.digest-pinned`; waivers and reports name it. */
  readonly id: string;
  readonly family: RuleFamily;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
  /**
   * Whether a departure (exception or waiver) may excuse it. Not for rules the API server itself
   * enforces (Pod Security, schemas): a waiver there would only hide what the cluster refuses.
   * @default true
   */
  readonly waivable?: boolean;
  readonly check: (ctx: ManifestContext) => RuleViolation[];
}
