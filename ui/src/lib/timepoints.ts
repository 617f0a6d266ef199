// Time points that have no patient forms (instruments.md, "Study NCT05191719: time points"):
// the backend refuses start_session for them with invalid_input, so the UI does not offer it.

const NO_PATIENT_FORMS = new Set(['pre_surgery']);

export function hasPatientForms(timepoint: string): boolean {
  return !NO_PATIENT_FORMS.has(timepoint);
}

/** Time points with a Sunnybrook grading (every one with staff forms). */
export const SUNNYBROOK_TIMEPOINTS = ['baseline', 'botox_no_effect', 'botox_max_effect', 'post_6m', 'post_12m'];
