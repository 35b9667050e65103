import { App, Chart, Testing } from 'cdk8s';
import { DefaultDenyNetwork } from '../../constructs/default-deny-network';
import { ScopedDeployer } from '../../constructs/scoped-deployer';
import { TenantNamespace } from '../../constructs/tenant-namespace';
import { PodSecurityLevel } from '../../policy/pod-security';

export const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
export const IMAGE = `ghcr.io/acme/api:1.4.2@${DIGEST}`;

/**
 * An app environment as the compiler builds one: a `platform` chart with the namespace, its
 * default-deny network and (once `deployer()` is called) the deployer, and a `test` chart for
 * the workloads, so that refusals read `[test/<id>] <field>: ...`.
 */
export function environment(podSecurity?: PodSecurityLevel) {
  const app: App = Testing.app();
  const platform = new Chart(app, 'platform');
  const namespace = new TenantNamespace(platform, 'ns', {
    app: 'shop', environment: 'production', podSecurity,
    podSecurityReason: podSecurity && podSecurity !== 'restricted' ? 'the test workload needs this level' : undefined,
  });
  new DefaultDenyNetwork(platform, 'network', { namespace });
  const chart = new Chart(app, 'test');
  return {
    app, platform, chart, namespace,
    deployer: () => new ScopedDeployer(platform, 'deployer', { namespace, workloads: chart }),
  };
}

/** The one object of `kind` among `objects`. */
export function only(objects: any[], kind: string): any {
  const found = objects.filter(o => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}: ${objects.map(o => o.kind).join(', ')}`);
  return found[0];
}
