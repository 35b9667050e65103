import { Rule } from './rule';
import { ARGOCD_RULES } from './rules/argocd';
import { departureRules } from './rules/departures';
import { EXPOSURE_RULES } from './rules/exposure';
import { HARDENING_RULES } from './rules/hardening';
import { IMAGES_RULES } from './rules/images';
import { NAMESPACES_RULES } from './rules/namespaces';
import { NETWORK_RULES } from './rules/network';
import { PERSISTENT_VOLUME_RULES, POD_SECURITY_RULES, REASONED_POD_SECURITY_RULE } from './rules/pod-security';
import { RBAC_RULES } from './rules/rbac';
import { SCHEMA_RULES } from './rules/schema';
import { SECRETS_RULES } from './rules/secrets';

/**
 * The rule catalogue: every check the gate runs over manifests, each with a stable id, a family, a
 * severity, a title and a fix. The constructs refuse the same things at construction time with
 * the same predicates, so that a rule is written once and applies to raw and vendor objects too.
 */
const FAMILIES: Rule[] = [
  ...POD_SECURITY_RULES,
  REASONED_POD_SECURITY_RULE,
  ...PERSISTENT_VOLUME_RULES,
  ...HARDENING_RULES,
  ...IMAGES_RULES,
  ...NAMESPACES_RULES,
  ...NETWORK_RULES,
  ...EXPOSURE_RULES,
  ...RBAC_RULES,
  ...ARGOCD_RULES,
  ...SECRETS_RULES,
  ...SCHEMA_RULES,
];

export const RULES: readonly Rule[] = Object.freeze([...FAMILIES, ...departureRules(FAMILIES)].map(r => Object.freeze(r)));
