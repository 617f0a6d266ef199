// Which time points have which forms: the protocol's (study_plan) once loaded. Before that the
// reference protocol's (instruments.md, "Study NCT05191719: time points") apply: the backend
// refuses start_session where the patient has nothing to answer, so the UI does not offer it.

import type { TimepointStatus } from '../ipc/types';
import { study } from './study.svelte';

const NO_PATIENT_FORMS = new Set(['pre_surgery']);

export function hasPatientForms(timepoint: string): boolean {
  const planned = study.plan?.timepoints.find((tp) => tp.id === timepoint);
  return planned ? planned.patientForms.length > 0 : !NO_PATIENT_FORMS.has(timepoint);
}

const REFERENCE_SUNNYBROOK = ['baseline', 'botox_no_effect', 'botox_max_effect', 'post_6m', 'post_12m'];

/** Time points with a Sunnybrook grading. */
export function sunnybrookTimepoints(): string[] {
  return study.plan
    ? study.plan.timepoints.filter((tp) => tp.staffForms.includes('sunnybrook')).map((tp) => tp.id)
    : REFERENCE_SUNNYBROOK;
}

/** The Botox count's counting period in months, as the protocol gives it. */
export function botoxCountingPeriod(): number | null {
  return study.plan?.forms.find((f) => f.form === 'botox_count')?.countingPeriodMonths ?? null;
}

/**
 * Whether a session can be started for a time point of this status: due, overdue, or missed
 * (answers after the window are still collected, and the export shows when they were given).
 * Not before the window, not once done, never where nothing is collected or after the
 * participant left the study (`not_applicable`).
 */
export function isOpen(status: TimepointStatus): boolean {
  return status === 'due' || status === 'overdue' || status === 'missed';
}
