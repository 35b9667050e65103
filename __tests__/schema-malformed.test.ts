import { checkManifests, Finding } from '../policy';

// Whatever shape an object has, the schema rules judge it (a finding), and never throw or pass it.

const schema = (objects: any[]): Finding[] => checkManifests(objects).findings.filter(f => f.rule.startsWith('schema.'));

test.each([
  ['metadata is a string', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: 'api' }, 'metadata'],
  ['spec is a list', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: [] }, 'spec'],
  ['template is a string', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { selector: { matchLabels: { a: 'b' } }, template: 'x' } }, 'spec.template'],
  ['containers is an object', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: { name: 'c' } } }, 'spec.containers'],
  ['a null container', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [null] } }, 'spec.containers[0]'],
  ['volumes and mounts of the wrong types', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' },
    spec: { containers: [{ name: 'c', volumeMounts: [7] }], volumes: 'x' } }, 'spec.containers[0].volumeMounts[0]'],
  ['labels is a list', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: ['x'] } }, 'metadata.labels'],
  ['a label value that is a number', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { version: 2 } } }, 'metadata.labels.version'],
  ['a selector that is a string', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a' }, spec: { selector: 'app=a', template: { spec: { containers: [{ name: 'c' }] } } } }, 'spec.selector'],
  ['matchExpressions of nulls', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'a' },
    spec: { selector: { matchExpressions: [null] }, template: { spec: { containers: [{ name: 'c' }] } } } }, 'spec.selector.matchExpressions[0]'],
  ['subjects of a binding that are strings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: ['system:anonymous'] }, 'subjects[0]'],
  ['a number', 42, 'kind'],
  ['null', null, 'kind'],
  ['a list', [{ apiVersion: 'v1', kind: 'Pod' }], 'kind'],
])('%s: a finding at its field, no exception', (_, object, field) => {
  const found = schema([object]);
  expect(found.map(f => f.field)).toContain(field);
  for (const f of found) expect(f.severity).toBe('error');
});
