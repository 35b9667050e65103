import { WAIVER_PREFIX } from '../annotations';
import { Rule } from '../rule';

/** Departures from a rule (exceptions and waivers) are well-formed. */

/** Built with the catalogue, so that it can tell a rule id from a typo. */
export function departureRules(catalogue: readonly Rule[]): Rule[] {
  return [{
    id: 'waiver.valid', family: 'departures', severity: 'error', waivable: false, title: 'waivers name a rule and give a reason',
    fix: `annotate ${WAIVER_PREFIX}<rule id>: <why this object may break the rule, 10 characters or more>`,
    check: ctx => ctx.objects.flatMap(o => Object.entries((o?.metadata?.annotations ?? {}) as Record<string, string>)
      .filter(([key]) => key.startsWith(WAIVER_PREFIX))
      .flatMap(([key, reason]) => {
        const id = key.slice(WAIVER_PREFIX.length);
        const field = `metadata.annotations.${key}`;
        if (!catalogue.some(r => r.id === id)) return [{ object: o, field, message: `no rule has the id ${id}` }];
        return String(reason).trim().length < 10 ? [{ object: o, field, message: 'a waiver needs a reason of 10 characters or more' }] : [];
      })),
  }];
}
