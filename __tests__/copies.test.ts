import * as constructs from 'constructs';
import { App, Chart, Testing } from 'cdk8s';
import { HardenedDeployment } from '../constructs/hardened-deployment';
import { ScopedDeployer } from '../constructs/scoped-deployer';
import { TenantNamespace } from '../constructs/tenant-namespace';

// cdk8s, constructs and cdk8s-plus-28 are peer dependencies. When an app's tree holds a second copy
// anyway, our constructs say so at once instead of failing deep inside the other copy
// (`scope.node._scopes is not iterable`, `can't render non-simple object of type 'Lazy'`).
// jest.isolateModules loads a fresh copy of a package, as a second node_modules folder would.

type Cdk8s = typeof import('cdk8s');
const IMAGE = `ghcr.io/acme/api:1.4.2@sha256:${'a1'.repeat(32)}`;

function otherCopy(shareConstructs: boolean): Cdk8s {
  let other: Cdk8s | undefined;
  jest.isolateModules(() => {
    if (shareConstructs) jest.doMock('constructs', () => constructs);
    other = require('cdk8s');
  });
  jest.dontMock('constructs');
  return other!;
}

test('a chart from another copy of constructs (and cdk8s) is refused by name, before constructs fails inside it', () => {
  const other = otherCopy(false);
  const chart = new other.Chart(new other.App(), 'shop');
  expect(chart).not.toBeInstanceOf(constructs.Construct);
  expect(() => new TenantNamespace(chart as any, 'ns', { app: 'shop', environment: 'production' }))
    .toThrow(/^\[shop\] TenantNamespace: the scope was built with another copy of 'constructs' than the one cdk8s-guardrails loads \(.*node_modules\/constructs\)\. cdk8s, constructs and cdk8s-plus-28 are peer dependencies.*npm ls constructs/);
});

test('a chart from another copy of cdk8s over the same constructs is refused too', () => {
  const other = otherCopy(true);
  const chart = new other.Chart(new other.App(), 'shop');
  expect(chart).toBeInstanceOf(constructs.Construct);
  expect(Chart.isChart(chart)).toBe(true); // cdk8s' own checks cannot tell the copies apart
  expect(() => new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' }))
    .toThrow(/TenantNamespace: the scope was built with another copy of 'cdk8s' than the one cdk8s-guardrails loads \(.*node_modules\/cdk8s\)/);
});

test('the ScopedDeployer Role rules are a plain token: they resolve in an App of any cdk8s copy', () => {
  const app = new App();
  const platform = new Chart(app, 'platform');
  const ns = new TenantNamespace(platform, 'Shop', { app: 'shop', environment: 'production' });
  const shop = new Chart(app, 'shop');
  new ScopedDeployer(platform, 'Deployer', { namespace: ns, workloads: shop });
  new HardenedDeployment(shop, 'api', { namespace: ns, image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
  // Without cdk8s' LazyResolver, as an App from another cdk8s copy would be to our objects.
  (app as any).resolvers = app.resolvers.filter(r => r.constructor.name !== 'LazyResolver');
  const role = Testing.synth(platform).find(o => o.kind === 'Role');
  expect(role.rules).toEqual(expect.arrayContaining([expect.objectContaining({ apiGroups: ['apps'], resources: ['deployments'] })]));
});
