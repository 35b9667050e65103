/**
 * Kubernetes resource quantities (`100m`, `0.5`, `256Mi`, `1G`, `1e3`), as far as the gate and
 * the constructs need them: to recognise one and to compare sums of them.
 */

/** The forms we accept: a decimal number with an optional binary or decimal SI suffix. */
export const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The number `quantity` stands for, or `undefined` when it is not a quantity we can read. */
export function quantityValue(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) && quantity >= 0 ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const m = QUANTITY.exec(quantity.trim());
  return m ? Number(m[1]) * SUFFIX[m[2] ?? ''] : undefined;
}

/** A quantity for messages: CPU in cores, memory in Mi or Gi. */
export function showQuantity(value: number, resource: 'cpu' | 'memory' | 'count'): string {
  if (resource === 'count') return String(value);
  if (resource === 'cpu') return value < 1 ? `${Math.round(value * 1000)}m` : `${Math.round(value * 1000) / 1000}`;
  return value >= 2 ** 30 ? `${Math.round((value / 2 ** 30) * 100) / 100}Gi` : `${Math.round((value / 2 ** 20) * 100) / 100}Mi`;
}
