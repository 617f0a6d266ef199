import { describe, expect, it } from 'vitest';
import { describeEligibility } from './eligibility';
import type { EligibilityCriterion } from '../ipc/types';

const CRITERIA: EligibilityCriterion[] = [
  { id: 'age_18_64', kind: 'inclusion', label: { en: 'Aged 18 to 64 years', sv: 'Ålder 18 till 64 år' } },
  { id: 'smoking', kind: 'exclusion', label: { en: 'Smoking', sv: null } },
];

describe('eligibility result', () => {
  it('is eligible when the backend says so, with nothing listed', () => {
    expect(describeEligibility({ id: 'e1', eligible: true, unmet: [], unanswered: [] }, CRITERIA)).toEqual({
      status: 'eligible',
      unmet: [],
      unanswered: [],
      needsSunnybrook: false,
      sunnybrookTooHigh: false,
    });
  });

  it('names the unmet criteria by their text and flags a Sunnybrook composite over 60', () => {
    expect(
      describeEligibility({ id: 'e1', eligible: false, unmet: ['smoking', 'sunnybrook'], unanswered: [] }, CRITERIA),
    ).toMatchObject({ status: 'not_eligible', unmet: ['Smoking'], sunnybrookTooHigh: true });
  });

  it('is undecided while anything is unanswered, and says when a Sunnybrook is needed', () => {
    expect(
      describeEligibility(
        { id: 'e1', eligible: null, unmet: [], unanswered: ['age_18_64', 'sunnybrook'] },
        CRITERIA,
      ),
    ).toMatchObject({ status: 'undecided', unanswered: ['Aged 18 to 64 years'], needsSunnybrook: true });
  });

  it('names criteria in Swedish where the protocol has Swedish, else in English', () => {
    const view = describeEligibility(
      { id: 'e1', eligible: false, unmet: ['smoking'], unanswered: ['age_18_64'] },
      CRITERIA,
      'sv',
    );
    expect(view.unanswered).toEqual(['Ålder 18 till 64 år']);
    expect(view.unmet).toEqual(['Smoking']);
  });

  it('shows an id the checklist does not know as it is', () => {
    expect(
      describeEligibility({ id: 'e1', eligible: false, unmet: ['new_rule'], unanswered: [] }, CRITERIA).unmet,
    ).toEqual(['new_rule']);
  });
});
