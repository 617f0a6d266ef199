// The study definition the mock backend works to: forms per time point, the eligibility
// checklist (studies/nct05191719.toml) and a seeded Sunnybrook. Mock data, not a reference.

import type { Answers, EligibilityCriterion, Label, SessionForm, StudyPlan } from '../ipc/types';

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
  { id: 'age_18_64', kind: 'inclusion', label: { en: 'Aged 18 to 64 years', sv: 'Ålder 18 till 64 år' } },
  { id: 'synkinesis_2_years', kind: 'inclusion', label: { en: 'Synkinesis after peripheral facial palsy for at least 2 years', sv: 'Synkinesi efter perifer facialispares sedan minst 2 år' } },
  { id: 'botox_at_least_3', kind: 'inclusion', label: { en: 'Has received at least 3 Botox injections', sv: 'Har fått minst 3 botoxinjektioner' } },
  { id: 'botox_3_a_year', kind: 'inclusion', label: { en: 'Receives Botox injections at least 3 times a year', sv: 'Får botoxinjektioner minst 3 gånger per år' } },
  { id: 'botox_not_satisfying', kind: 'inclusion', label: { en: 'Botox is not a satisfying treatment', sv: 'Botox är inte en tillfredsställande behandling' } },
  { id: 'written_consent', kind: 'inclusion', label: { en: 'Written informed consent', sv: 'Skriftligt informerat samtycke' } },
  { id: 'contractures', kind: 'exclusion', label: { en: 'Contractures in the facial muscles', sv: 'Kontrakturer i ansiktsmuskulaturen' } },
  { id: 'other_facial_surgery', kind: 'exclusion', label: { en: 'Other planned facial surgery during the study period', sv: 'Annan planerad ansiktskirurgi under studieperioden' } },
  { id: 'smoking', kind: 'exclusion', label: { en: 'Smoking', sv: 'Rökning' } },
  { id: 'uncontrolled_hypertension', kind: 'exclusion', label: { en: 'Uncontrolled hypertension', sv: 'Okontrollerad hypertoni' } },
  { id: 'diabetes', kind: 'exclusion', label: { en: 'Diabetes', sv: 'Diabetes' } },
  { id: 'pregnancy', kind: 'exclusion', label: { en: 'Pregnancy or breast feeding', sv: 'Graviditet eller amning' } },
  { id: 'asa_3_4', kind: 'exclusion', label: { en: 'ASA class 3 or 4', sv: 'ASA-klass 3 eller 4' } },
];

const TIMEPOINT_LABELS: Record<string, Label> = {
  baseline: { en: 'Baseline (inclusion)', sv: 'Baslinje (inklusion)' },
  botox_no_effect: { en: 'Botox, no effect (about 4 months after injection)', sv: 'Botox, ingen effekt (cirka 4 månader efter injektion)' },
  botox_max_effect: { en: 'Botox, maximum effect (2–4 weeks after injection)', sv: 'Botox, maximal effekt (2–4 veckor efter injektion)' },
  pre_surgery: { en: 'Before surgery', sv: 'Före operation' },
  post_6m: { en: '6 months after surgery', sv: '6 månader efter operation' },
  post_12m: { en: '12 months after surgery', sv: '12 månader efter operation' },
};

/** The protocol in force, as study_plan answers it. */
export const MOCK_PLAN: StudyPlan = {
  study: 'NCT05191719',
  version: 1,
  timepoints: TIMEPOINTS.map((id) => ({
    id,
    label: TIMEPOINT_LABELS[id] ?? { en: id, sv: null },
    patientForms: [...(FORMS_BY_TIMEPOINT[id] ?? [])],
    staffForms: [...(STAFF_FORMS_BY_TIMEPOINT[id] ?? [])],
  })),
  forms: [
    {
      form: 'botox_count',
      label: { en: 'Botox injections in the last 12 months', sv: 'Botoxinjektioner de senaste 12 månaderna' },
      missing: null,
      countingPeriodMonths: 12,
    },
  ],
};

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
