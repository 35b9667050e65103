import { compile } from '../compiler/compile';
import { apps } from '../apps';

// Snapshots show any change to the output in review; the security properties themselves are
// asserted one by one in policy.test.ts, so a snapshot update alone never hides a regression.

describe.each(apps.map(a => [a.name, a]))('example app %s', (_, spec) => {
  test('synthesizes to the reviewed manifests', () => {
    const result = compile([spec]);
    expect(result.errors).toEqual([]);
    expect(result.files).toMatchSnapshot();
  });
});
