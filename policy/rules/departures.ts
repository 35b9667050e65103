import { WAIVER_PREFIX } from '../annotations';
import { departures, MIN_REASON } from '../departures';
import { Rule } from '../rule';

/** Departures from a rule (exceptions and waivers) are well-formed. */

/** Built with the catalogue, so that it can tell a rule id from a typo. */
export function departureRules(catalogue: readonly Rule[]): Rule[] {
  const rules: Rule[] = [{
    id: 'waiver.valid', family: 'departures', severity: 'error', waivable: false,
    title: 'exceptions and waivers name a rule and give a reason',
    fix: `annotate ${WAIVER_PREFIX}<rule id>: <why this object may break the rule, ${MIN_REASON} visible characters or more, on one line>`,
    check: ctx => departures(ctx, all).filter(d => d.problem !== undefined)
      .map(d => ({ object: d.object, field: `${d.at}.${d.annotation}`, message: d.problem! })),
  }];
  const all = [...catalogue, ...rules];
  return rules;
}
