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
