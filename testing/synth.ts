import { App, Chart } from 'cdk8s';
import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile, CompileOptions } from '../compiler/compile';
import { checkManifests, GateResult, Json } from '../policy';

/** Marks the results of {@link synthApp} and {@link synthChart}, for the snapshot serializer (not enumerable: `toEqual` ignores it). */
export const SYNTH_RESULT = Symbol.for('cdk8s-guardrails.testing.synth-result');

/** Manifests and the gate's verdict on them. */
export interface SynthResult {
  /** Every synthesized object, in synthesis order. */
  readonly objects: Json[];
  /** The gate's verdict on the objects (`checkManifests`). */
  readonly gate: GateResult;
}

/** What {@link synthApp} produced: a compile that succeeded. */
export interface AppSynthResult extends SynthResult {
  /** The files of `dist/`: relative path to YAML. */
  readonly files: Record<string, string>;
  /** Always empty: a compile with errors throws {@link CompileRefusedError}. */
  readonly errors: string[];
}

/** Thrown by {@link synthApp} when compile refuses the specs: `errors` holds compile's messages, one per line of the message. */
export class CompileRefusedError extends Error {
  constructor(public readonly errors: readonly string[]) {
    super(`compile refused the app specs (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(e => `  - ${e}`).join('\n')}`);
    this.name = 'CompileRefusedError';
  }
}

function branded<T extends object>(result: T): T {
  Object.defineProperty(result, SYNTH_RESULT, { value: true, enumerable: false });
  return result;
}

/**
 * Compiles app specs as `npm run synth` does (`compile`), without writing anything. Throws a
 * {@link CompileRefusedError} listing every error when compile refuses them (including the gate's
 * failures, which compile refuses too): a test of what an app produces fails with what is wrong.
 * To assert that a spec is refused, use `expect(spec).toBeRefused(/message/)`.
 */
export function synthApp(spec: AppSpec | readonly AppSpec[], platform?: PlatformSpec, options?: CompileOptions): AppSynthResult {
  const specs = (Array.isArray(spec) ? [...spec] : [spec]) as AppSpec[];
  const result = compile(specs, platform, options);
  if (result.errors.length > 0 || !result.gate) throw new CompileRefusedError(result.errors);
  return branded({ objects: result.objects, files: result.files, gate: result.gate, errors: [] });
}

/** Whether `x` is a cdk8s App (by shape, so that another copy of cdk8s counts too). */
export function isApp(x: unknown): x is App {
  return x !== null && typeof x === 'object' && Array.isArray((x as App).charts) && typeof (x as App).synth === 'function';
}

/**
 * A chart's (or every chart of an app's) objects, as cdk8s' `Testing.synth` returns them
 * (`chart.toJson()`, which runs the constructs' validations and throws on a refusal), and the
 * gate's verdict on them. Unlike {@link synthApp} it does not throw on gate failures: assert them
 * with `expect(result).toPassGuardrails()`.
 */
export function synthChart(chart: Chart | App): SynthResult {
  const objects: Json[] = isApp(chart) ? chart.charts.flatMap(c => c.toJson()) : chart.toJson();
  return branded({ objects, gate: checkManifests(objects) });
}
