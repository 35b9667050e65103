/**
 * Annotations that record a departure from the hardened default, and why. Constructs write
 * exceptions on what they build; users write waivers on any object. The gate and the report read
 * both, so a departure is never silent.
 */

/** The label on every object our constructs build. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } as const;

/** `guardrails.cdk8s.io/exception.<what>: <reason>`, written by our constructs. */
export const EXCEPTION_PREFIX = 'guardrails.cdk8s.io/exception.';

/** `guardrails.cdk8s.io/waive.<rule id>: <reason>`, which excuses one rule on one object. */
export const WAIVER_PREFIX = 'guardrails.cdk8s.io/waive.';

/**
 * `guardrails.cdk8s.io/config-hash: <16 hex>` on a pod template: the sha256 of the ConfigMaps our
 * constructs generate for it (`configFiles`), so that a change to a file changes the template and
 * rolls the pods (Helm's `checksum/config`, under our own domain). Neither an exception nor a
 * waiver: the gate reads only those two prefixes, and included YAML may carry no
 * `guardrails.cdk8s.io/` annotation at all.
 */
export const CONFIG_HASH_ANNOTATION = 'guardrails.cdk8s.io/config-hash';
