/**
 * cdk8s-guardrails: secure-by-construction cdk8s constructs, the policy gate they are checked by,
 * and the compiler from typed app specs to hardened Kubernetes YAML.
 *
 * cdk8s, constructs and cdk8s-plus-28 are peer dependencies: the app's own copies are used.
 */
// The constructs, and the policy engine they re-export (rules, gate, reader, errors).
export * from './constructs';
// App and platform specs.
export { defineApp, definePlatform } from './compiler/app-spec';
export type {
  AppSpec, CallerSpec, ClusterSpec, DestinationSpec, EnvironmentSpec, IncludeDeparture, IncludeSpec, IngressControllerSpec, PlatformSpec, ServiceSpec, WorkloadKind,
} from './compiler/app-spec';
export { validateAppSpec, validatePlatformSpec } from './compiler/spec-validation';
export { resolvePlatform } from './compiler/platform';
export type { IngressController, Platform } from './compiler/platform';
// Compiling specs to manifests, the report, and the synth transaction.
export { compile, ManifestChart } from './compiler/compile';
export type { CompileOptions, CompileResult } from './compiler/compile';
export { buildReport, renderMarkdown } from './compiler/report';
export type { AppProjectEntry, IngressEntry, NamespaceEntry, SecurityReport, ServiceAccountEntry, WorkloadEntry } from './compiler/report';
export { synth } from './compiler/synth';
export type { SynthOptions } from './compiler/synth';
export { toYaml } from './compiler/yaml-output';
// What `cdk8s-guardrails audit --sarif` and `diff` print.
export { toSarif } from './compiler/sarif';
export type { SarifLog, SarifOptions } from './compiler/sarif';
export { renderSecurityDiff, securityDiff } from './compiler/security-diff';
export type { SecurityChange, SecurityDiff } from './compiler/security-diff';
// The cdk8s-cli validation plugin: `package: cdk8s-guardrails`, `class: GuardrailsValidation`.
export { GuardrailsValidation } from './plugin';
export type { ValidationContext } from './plugin';
