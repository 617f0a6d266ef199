import { afterEach, describe, expect, it } from 'vitest';
import { study } from './study.svelte';
import { timepointLabel } from './labels';
import { botoxCountingPeriod, hasPatientForms, sunnybrookTimepoints } from './timepoints';
import { MOCK_PLAN } from '../mock/study';

afterEach(() => {
  study.plan = null;
});

describe('the protocol in force', () => {
  it('names time points with its own labels, in Swedish or English', () => {
    const plan = structuredClone(MOCK_PLAN);
    plan.timepoints[0].label = { en: 'Inclusion visit', sv: 'Inklusionsbesök' };
    study.plan = plan;
    expect(timepointLabel('baseline', 'sv')).toBe('Inklusionsbesök');
    expect(timepointLabel('baseline', 'en')).toBe('Inclusion visit');
  });

  it('falls back to English where the protocol has no Swedish label', () => {
    const plan = structuredClone(MOCK_PLAN);
    plan.timepoints[0].label = { en: 'Inclusion visit', sv: null };
    study.plan = plan;
    expect(timepointLabel('baseline', 'sv')).toBe('Inclusion visit');
  });

  it('says which time points have patient forms and a Sunnybrook after an amendment', () => {
    const plan = structuredClone(MOCK_PLAN);
    const preSurgery = plan.timepoints.find((tp) => tp.id === 'pre_surgery')!;
    expect(hasPatientForms('pre_surgery')).toBe(false);
    preSurgery.patientForms = ['saq'];
    preSurgery.staffForms = ['sunnybrook'];
    study.plan = plan;
    expect(hasPatientForms('pre_surgery')).toBe(true);
    expect(sunnybrookTimepoints()).toContain('pre_surgery');
    expect(botoxCountingPeriod()).toBe(12);
  });
});
