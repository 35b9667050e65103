/**
 * cdk8s-guardrails/testing: a test kit for apps and constructs built with cdk8s-guardrails.
 *
 *     import { synthApp, synthChart } from 'cdk8s-guardrails/testing';
 *     expect(synthApp(shop)).toMeetPodSecurity('restricted');
 *     expect(synthChart(chart)).toPassGuardrails();
 *     expect(chart).not.toGrant(deployer, 'get', 'secrets', 'shop-production');
 *     expect({ ...shop, name: 'Shop' }).toBeRefused(/name/);
 *
 * Importing the module registers the matchers with jest's global `expect` when there is one;
 * otherwise (or with `@jest/globals`) call `installMatchers(expect)`. The snapshot serializer is
 * opt-in: `expect.addSnapshotSerializer(guardrailsSerializer)`, or
 * `snapshotSerializers: ['cdk8s-guardrails/testing/serializer']` in the jest config.
 */
import { guardrailsMatchers } from './matchers';

export { synthApp, synthChart, CompileRefusedError } from './synth';
export type { SynthResult, AppSynthResult } from './synth';
export { guardrailsMatchers, manifestsOf, parseResource } from './matchers';
export type { GrantSubject, ResourceRef, MatcherResult, MatcherContext } from './matchers';
export { guardrailsSerializer, manifestsYaml, stableManifests, isManifest } from './serializer';

/** The part of jest's `expect` that registers matchers. */
export interface Extendable {
  extend(matchers: Record<string, (...args: any[]) => any>): void;
}

/** Registers the matchers with `expect` (jest's global one by default); returns whether it could. */
export function installMatchers(expect: Extendable | undefined = (globalThis as { expect?: Extendable }).expect): boolean {
  if (!expect || typeof expect.extend !== 'function') return false;
  expect.extend(guardrailsMatchers);
  return true;
}

installMatchers();
