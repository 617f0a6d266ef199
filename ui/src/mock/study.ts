// The study definition the mock backend works to: forms per time point, the eligibility
// checklist (studies/nct05191719.toml) and a seeded Sunnybrook. Mock data, not a reference.

import type { Answers, EligibilityCriterion, SessionForm } from '../ipc/types';

/** Patient forms per time point (instruments.md, "Study NCT05191719: time points"). */
export const FORMS_BY_TIMEPOINT: Record<string, SessionForm[]> = {
  baseline: ['side_effects'],
  botox_no_effect: ['face', 'fdi', 'saq'],
  botox_max_effect: ['face', 'fdi', 'saq', 'side_effects'],
  pre_surgery: [],
  post_6m: ['face', 'fdi', 'saq', 'side_effects'],
  post_12m: ['face', 'fdi', 'saq', 'side_effects'],
};
export const TIMEPOINTS = Object.keys(FORMS_BY_TIMEPOINT);

/** Staff forms per time point (studies/nct05191719.toml). */
export const STAFF_FORMS_BY_TIMEPOINT: Record<string, string[]> = {
  baseline: ['sunnybrook', 'eligibility', 'botox_count', 'clavien_dindo'],
  botox_no_effect: ['sunnybrook'],
  botox_max_effect: ['sunnybrook', 'clavien_dindo'],
  pre_surgery: [],
  post_6m: ['sunnybrook', 'clavien_dindo'],
  post_12m: ['sunnybrook', 'clavien_dindo', 'botox_count'],
};

/** The study's eligibility checklist (studies/nct05191719.toml). */
export const MOCK_CRITERIA: EligibilityCriterion[] = [
  { id: 'age_18_64', kind: 'inclusion', text: 'Aged 18 to 64 years' },
  { id: 'synkinesis_2_years', kind: 'inclusion', text: 'Synkinesis after peripheral facial palsy for at least 2 years' },
  {
    id: 'botox_history',
    kind: 'inclusion',
    text: 'At least 3 Botox injections, and at least 3 a year, with unsatisfying effect',
  },
  { id: 'written_consent', kind: 'inclusion', text: 'Written informed consent' },
  { id: 'contractures', kind: 'exclusion', text: 'Contractures' },
  { id: 'other_facial_surgery', kind: 'exclusion', text: 'Other planned facial surgery' },
  { id: 'smoking', kind: 'exclusion', text: 'Smoking' },
  { id: 'uncontrolled_hypertension', kind: 'exclusion', text: 'Uncontrolled hypertension' },
  { id: 'diabetes', kind: 'exclusion', text: 'Diabetes' },
  { id: 'pregnancy', kind: 'exclusion', text: 'Pregnancy or breast feeding' },
  { id: 'asa_3_4', kind: 'exclusion', text: 'ASA class 3 or 4' },
];

/** Staff ids: 2–32 characters a–z, 0–9, '.', '-', '_' (e.g. `anna.l`). */
export const STAFF_ID = /^[a-z0-9._-]{2,32}$/;

/** A seeded baseline Sunnybrook of NT-001 (composite 39, worked example SB3). */
export const SEED_SUNNYBROOK: Answers = {
  rest_eye: 1,
  rest_cheek: 1,
  rest_mouth: 0,
  move_brow: 3,
  move_eye_closure: 4,
  move_smile: 3,
  move_snarl: 3,
  move_pucker: 2,
  synk_brow: 1,
  synk_eye_closure: 2,
  synk_smile: 3,
  synk_snarl: 2,
  synk_pucker: 3,
};
