// What the eligibility screen says about a record_eligibility result. The decision itself
// (inclusion criteria true, exclusion criteria false, Sunnybrook composite ≤ 60) is the backend's;
// this only turns ids into staff-readable lines.

import type { EligibilityCriterion, EligibilityResult, Language } from '../ipc/types';
import { inLanguage } from './study.svelte';

/** The id the backend uses for the Sunnybrook rule in `unmet` / `unanswered`. */
export const SUNNYBROOK_RULE = 'sunnybrook';

export interface EligibilityView {
  status: 'eligible' | 'not_eligible' | 'undecided';
  /** Criteria that exclude the patient, as criterion texts (`sunnybrook` stays an id). */
  unmet: string[];
  /** Criteria not answered yet, as criterion texts (`sunnybrook` stays an id). */
  unanswered: string[];
  /** No usable Sunnybrook at this time point yet: it must be graded first. */
  needsSunnybrook: boolean;
  /** The Sunnybrook composite is over 60. */
  sunnybrookTooHigh: boolean;
}

export function describeEligibility(
  result: EligibilityResult,
  criteria: EligibilityCriterion[],
  lang: Language = 'en',
): EligibilityView {
  const text = (id: string) => {
    const criterion = criteria.find((c) => c.id === id);
    return criterion ? inLanguage(criterion.label, lang) : id;
  };
  const criteriaOnly = (ids: string[]) => ids.filter((id) => id !== SUNNYBROOK_RULE).map(text);
  return {
    status: result.eligible === true ? 'eligible' : result.eligible === false ? 'not_eligible' : 'undecided',
    unmet: criteriaOnly(result.unmet),
    unanswered: criteriaOnly(result.unanswered),
    needsSunnybrook: result.unanswered.includes(SUNNYBROOK_RULE),
    sunnybrookTooHigh: result.unmet.includes(SUNNYBROOK_RULE),
  };
}
