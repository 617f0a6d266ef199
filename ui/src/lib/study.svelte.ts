// The protocol in force on the tablet (the backend's study_plan): time point labels in Swedish
// and English, and which forms each time point has. Refreshed whenever the staff frame changes
// view, so a bundle the background sync adopted reaches the screens without a restart. Until it
// is loaded (and in unit tests without a backend) the built-in labels of i18n apply.

import * as ipc from '../ipc/commands';
import type { Label, Language, StudyPlan } from '../ipc/types';

export const study = $state<{ plan: StudyPlan | null }>({ plan: null });

export async function refreshStudyPlan(): Promise<void> {
  try {
    study.plan = await ipc.studyPlan();
  } catch {
    /* locked or not ready: keep what was shown */
  }
}

/** A protocol label in `lang`, English where the protocol has no Swedish text. */
export function inLanguage(label: Label, lang: Language): string {
  return lang === 'sv' && label.sv ? label.sv : label.en;
}
