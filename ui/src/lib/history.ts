// How the history screen describes each saved record: what it is, whether a later record
// corrected it or it corrects an earlier one, a short score summary, and whether staff may
// correct it. Only clinician forms are corrected; patients' answers are their own.

import type { HistoryEntry, Instrument, Language } from '../ipc/types';
import { t, type MessageKey } from '../i18n/index.svelte';
import { tables } from '../i18n/translate';
import { formLabel } from './labels';

export interface HistoryRow {
  entry: HistoryEntry;
  /** "Clinician form: Sunnybrook", "Patient questionnaire: FaCE", "Botox count", … */
  what: string;
  /** A later record corrects this one. */
  corrected: boolean;
  /** The record this one corrects, when it is a correction (null if not in the list). */
  correctionOf: HistoryEntry | null;
  /** Staff may correct it: a clinician form that nothing has corrected yet. */
  correctable: boolean;
  /** The scores worth showing in a list, in order. */
  scores: Array<{ key: string; label: string; value: number | null }>;
}

/** The scores a list shows per instrument (instruments.md, "Score names"). */
const SUMMARY_SCORES: Record<Instrument, string[]> = {
  face: ['total'],
  fdi: ['physical_function', 'social_wellbeing'],
  saq: ['total'],
  sunnybrook: ['composite'],
};

function known(key: string): key is MessageKey {
  return key in tables.en;
}

export function kindLabel(kind: string, lang?: Language): string {
  const key = `history.kind.${kind}`;
  return known(key) ? t(key, {}, lang) : kind;
}

export function scoreLabel(key: string, lang?: Language): string {
  const k = `score.${key}`;
  return known(k) ? t(k, {}, lang) : key;
}

export function describeWhat(entry: HistoryEntry, lang?: Language): string {
  const kind = kindLabel(entry.kind, lang);
  return entry.instrument ? `${kind}: ${formLabel(entry.instrument, lang)}` : kind;
}

export function canCorrect(entry: HistoryEntry): boolean {
  return entry.kind === 'clinician_form' && entry.supersededBy === null && entry.answers !== null;
}

export function historyRows(entries: HistoryEntry[], lang?: Language): HistoryRow[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  return entries.map((entry) => {
    const keys = entry.instrument ? SUMMARY_SCORES[entry.instrument] : Object.keys(entry.scores);
    return {
      entry,
      what: describeWhat(entry, lang),
      corrected: entry.supersededBy !== null,
      correctionOf: entry.supersedes ? (byId.get(entry.supersedes) ?? null) : null,
      correctable: canCorrect(entry),
      scores: keys
        .filter((key) => key in entry.scores)
        .map((key) => ({ key, label: scoreLabel(key, lang), value: entry.scores[key] ?? null })),
    };
  });
}
