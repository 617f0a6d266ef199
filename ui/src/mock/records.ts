// The mock backend's saved records and what is derived from them: the participant history
// (corrections linked both ways) and the eligibility outcome. Mirrors crates/device's app layer
// closely enough for the screens; not a reference for its rules.

import type { Answers, EligibilityResult, HistoryEntry, Instrument, Scores } from '../ipc/types';
import { MOCK_CRITERIA } from './study';

/** The record kinds of the real store (HistoryEntry.kind). */
export type MockKind =
  | 'questionnaire'
  | 'clinician_form'
  | 'side_effect'
  | 'no_side_effects'
  | 'side_effect_grade'
  | 'botox_count'
  | 'eligibility';

export interface MockSubmission {
  id: string;
  kind: MockKind;
  participant: string;
  timepoint: string;
  instrument?: Instrument;
  /** `answers` and `scores` for questionnaires and clinician forms; the form's content otherwise. */
  body: { answers?: Answers; scores?: Scores; [key: string]: unknown };
  createdAt: number;
  synced: boolean;
  staffId: string;
  supersedes?: string;
  reason?: string;
}

/** Everything saved for one participant, oldest first (participant_history). */
export function historyOf(submissions: MockSubmission[], participant: string): HistoryEntry[] {
  const rows = submissions.filter((s) => s.participant === participant);
  return rows.map((r) => {
    const hasAnswers = r.kind === 'questionnaire' || r.kind === 'clinician_form';
    return {
      id: r.id,
      kind: r.kind,
      instrument: r.instrument ?? null,
      timepoint: r.timepoint,
      recordedAt: new Date(r.createdAt).toISOString(),
      staffId: r.staffId,
      answers: hasAnswers ? { ...(r.body.answers ?? {}) } : null,
      scores: { ...(r.body.scores ?? {}) },
      supersedes: r.supersedes ?? null,
      supersededBy: [...rows].reverse().find((x) => x.supersedes === r.id)?.id ?? null,
      syncState: r.synced ? 'acknowledged' : 'pending',
    };
  });
}

/** The checklist against the criteria and the latest Sunnybrook composite (≤ 60 to include). */
export function evaluateEligibility(
  submissions: MockSubmission[],
  participant: string,
  timepoint: string,
  checklist: Record<string, boolean>,
): Omit<EligibilityResult, 'id'> {
  const unmet: string[] = [];
  const unanswered: string[] = [];
  for (const c of MOCK_CRITERIA) {
    const v = checklist[c.id];
    if (v === undefined) unanswered.push(c.id);
    else if ((c.kind === 'inclusion' && !v) || (c.kind === 'exclusion' && v)) unmet.push(c.id);
  }
  const latest = submissions
    .filter((s) => s.participant === participant && s.timepoint === timepoint && s.instrument === 'sunnybrook')
    .at(-1);
  const composite = latest?.body.scores?.composite ?? null;
  if (composite === null || composite < 0) unanswered.push('sunnybrook');
  else if (composite > 60) unmet.push('sunnybrook');
  const eligible = unmet.length ? false : unanswered.length ? null : true;
  return { eligible, unmet, unanswered };
}
