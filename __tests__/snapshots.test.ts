import { apps, platform } from '../apps';
import { synthApp } from '../testing';

// Snapshots show any change to the output in review; the security properties themselves are
// asserted one by one in policy.test.ts, so a snapshot update alone never hides a regression.

describe.each(apps.map(a => [a.name, a]))('example app %s', (_, spec) => {
  test('synthesizes to the reviewed manifests', () => {
    // synthApp throws with every error if compile refuses the spec.
    expect(synthApp(spec, platform).files).toMatchSnapshot();
  });
});
