// A small `kubectl auth can-i` over plain manifests, so that tests (and reviews) can ask what an
// identity may do given exactly the RBAC objects we synthesize, without a cluster.
//
// Deliberately left out: aggregated ClusterRoles (their rules are filled in by the controller, not
// written in the manifest), the groups a real user belongs to besides `system:authenticated`, and
// questions about one named object (we only answer "any object of this resource").

/** A service account named by its username, `system:serviceaccount:<namespace>:<name>`. */
export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

const SA_PREFIX = 'system:serviceaccount:';

/** Parses `system:serviceaccount:<ns>:<name>`; undefined for any other username. */
export function parseServiceAccount(subject: string): ServiceAccountName | undefined {
  if (!subject.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = subject.slice(SA_PREFIX.length).split(':');
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}

/**
 * Whether `subject` may `verb` objects of `group`/`resource` (e.g. `''`/`pods/exec`) in
 * `namespace` — or, without a namespace, cluster-scoped ones — given these manifest objects.
 * Objects other than Roles, ClusterRoles and their bindings are ignored.
 */
export function canI(
  objects: readonly Record<string, any>[],
  subject: string,
  verb: string,
  group: string,
  resource: string,
  namespace?: string,
): boolean {
  const sa = parseServiceAccount(subject);
  const groups = sa
    ? ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`]
    : ['system:authenticated'];

  return objects.some(binding => {
    const bindingNs: string | undefined = binding?.metadata?.namespace;
    if (binding?.kind === 'RoleBinding') {
      // A RoleBinding grants only inside its own namespace, so never on cluster-scoped requests.
      if (namespace === undefined || bindingNs !== namespace) return false;
    } else if (binding?.kind !== 'ClusterRoleBinding') {
      return false;
    }
    const boundHere = (binding.subjects ?? []).some((s: any) => {
      switch (s?.kind) {
        // A ServiceAccount subject without a namespace means the RoleBinding's namespace.
        case 'ServiceAccount': return !!sa && s.name === sa.name && (s.namespace ?? bindingNs) === sa.namespace;
        // Kubernetes authenticates a service account as the user `system:serviceaccount:...`.
        case 'User': return s.name === subject;
        case 'Group': return groups.includes(s.name);
        default: return false;
      }
    });
    if (!boundHere) return false;
    const role = findRole(objects, binding.kind, bindingNs, binding.roleRef);
    return (role?.rules ?? []).some((rule: any) => ruleAllows(rule, verb, group, resource));
  });
}

function findRole(objects: readonly Record<string, any>[], bindingKind: string, bindingNs: string | undefined, ref: any) {
  // A RoleBinding may point at a Role in its own namespace or at a ClusterRole; a
  // ClusterRoleBinding only at a ClusterRole.
  if (ref?.kind === 'Role' && bindingKind !== 'RoleBinding') return undefined;
  if (ref?.kind !== 'Role' && ref?.kind !== 'ClusterRole') return undefined;
  return objects.find(o => o?.kind === ref.kind && o.metadata?.name === ref.name
    && (ref.kind === 'ClusterRole' || o.metadata?.namespace === bindingNs));
}

function ruleAllows(rule: any, verb: string, group: string, resource: string): boolean {
  // A rule limited to named objects does not answer "may I act on any of them?".
  if (rule?.resourceNames?.length) return false;
  const sub = resource.includes('/') ? resource.slice(resource.indexOf('/') + 1) : undefined;
  const has = (list: unknown, value: string) => Array.isArray(list) && (list.includes('*') || list.includes(value));
  const resourceMatches = Array.isArray(rule?.resources)
    && rule.resources.some((r: string) => r === '*' || r === resource || (sub !== undefined && r === `*/${sub}`));
  return has(rule?.verbs, verb) && has(rule?.apiGroups, group) && resourceMatches;
}
