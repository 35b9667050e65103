import * as path from 'path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * `cdk8s`, `constructs` and `cdk8s-plus-28` are peer dependencies: our constructs must be built
 * from the very classes the app builds its App and Charts from. With a second copy in the tree
 * (a symlinked `npm install ../cdk8s-guardrails` brings the library's own node_modules; a
 * `--legacy-peer-deps` install can nest one) the two copies disagree in ways that surface far
 * from the cause: `scope.node._scopes is not iterable` (constructs 10.4 and 10.8 keep different
 * internals) or `can't render non-simple object of type 'Lazy'` (an App only resolves its own
 * copy's tokens). So every construct of ours checks its scope first, before `super(scope, id)`
 * reaches into it, and says what is wrong.
 *
 * Returns `scope` unchanged, for `super(sameCopies(scope, 'HardenedDeployment'), id)`.
 */
export function sameCopies<T>(scope: T, construct: string): T {
  if (Construct.isConstruct(scope) && !(scope instanceof Construct)) {
    throw new Error(twoCopies(construct, 'constructs', (scope as Construct).node.path));
  }
  if (scope instanceof Construct) {
    const chart = scope.node.scopes.slice().reverse().find(c => Chart.isChart(c));
    if (chart !== undefined && !(Object.prototype.isPrototypeOf.call(Chart.prototype, chart))) {
      throw new Error(twoCopies(construct, 'cdk8s', scope.node.path));
    }
  }
  return scope;
}

function twoCopies(construct: string, pkg: string, where: string): string {
  return `[${where}] ${construct}: the scope was built with another copy of '${pkg}' than the one cdk8s-guardrails loads `
    + `(${packageDir(pkg)}). cdk8s, constructs and cdk8s-plus-28 are peer dependencies of cdk8s-guardrails: `
    + `the app and the library must share one copy of each. Fix: run 'npm ls ${pkg}' in the app and remove the extra copy `
    + `('npm dedupe'; install cdk8s-guardrails from the registry or a packed tarball, not a symlinked folder that has its own node_modules).`;
}

function packageDir(pkg: string): string {
  try {
    const main = require.resolve(pkg);
    const marker = `${path.sep}node_modules${path.sep}${pkg}${path.sep}`;
    const at = main.lastIndexOf(marker);
    return at < 0 ? main : main.slice(0, at + marker.length - 1);
  } catch {
    return `'${pkg}' as resolved from ${__dirname}`;
  }
}
