import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { readManifests } from '../policy';
import { DIST, listFiles } from './dist-files';

// Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml); reviewers' tools mostly read 1.2. What we emit
// must mean the same to both, or a reviewed "yes" string could reach the cluster as `true`.

test.each(listFiles(DIST).map(f => [f]))('dist/%s reads the same as YAML 1.1 and as YAML 1.2', file => {
  const text = fs.readFileSync(`${DIST}/${file}`, 'utf8');
  const as12 = parseAllDocuments(text, { version: '1.2' }).map(d => d.toJS()).filter(d => d !== null);
  expect(readManifests(text, file)).toEqual(as12);
});

test('the reader takes YAML 1.1 booleans and octals where 1.2 takes strings', () => {
  const text = 'apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: yes\n  hostPID: on\n  x: 0644\n';
  expect(readManifests(text)[0].spec).toEqual({ hostNetwork: true, hostPID: true, x: 420 });
  expect(parseAllDocuments(text, { version: '1.2' })[0].toJS().spec).toEqual({ hostNetwork: 'yes', hostPID: 'on', x: 644 });
});

test('refuses YAML merge keys, which go-yaml v2 (the API server) and the YAML spec apply in different orders', () => {
  const text = 'apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: false\n  <<: {hostNetwork: true}\n';
  expect(() => readManifests(text, 'pod.yaml')).toThrow(/pod\.yaml:5: YAML merge keys/);
  expect(readManifests('apiVersion: v1\nkind: ConfigMap\ndata: {"<<": quoted is a plain key}\n')[0].data).toEqual({ '<<': 'quoted is a plain key' });
});

test('refuses a %YAML directive other than 1.1, which would switch the reader to 1.2 (`yes` a string) and which go-yaml v2 refuses', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { hostNetwork: yes }\n';
  expect(() => readManifests(`%YAML 1.2\n---\n${pod}`, 'pod.yaml')).toThrow(/^pod\.yaml:\d+: %YAML 1\.2 is refused/);
  expect(readManifests(`%YAML 1.1\n---\n${pod}`, 'pod.yaml')[0].spec.hostNetwork).toBe(true);
});
