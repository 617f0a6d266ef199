import { beforeEach, describe, expect, it } from 'vitest';
import { canCorrect, historyRows } from './history';
import type { HistoryEntry } from '../ipc/types';
import { locale } from '../i18n/index.svelte';

function entry(over: Partial<HistoryEntry>): HistoryEntry {
  return {
    id: 'x',
    kind: 'clinician_form',
    instrument: 'sunnybrook',
    timepoint: 'baseline',
    recordedAt: '2026-01-10T09:00:00Z',
    staffId: 'anna.l',
    answers: { rest_eye: 1 },
    scores: { resting_symmetry: 10, voluntary_movement: 60, synkinesis: 11, composite: 39 },
    supersedes: null,
    supersededBy: null,
    syncState: 'acknowledged',
    ...over,
  };
}

describe('history rows', () => {
  beforeEach(() => {
    locale.current = 'en';
  });

  it('mark a corrected grading and link its correction back to it', () => {
    const original = entry({ id: 'a', supersededBy: 'b' });
    const correction = entry({ id: 'b', supersedes: 'a', scores: { composite: 35 }, syncState: 'pending' });
    const [first, second] = historyRows([original, correction]);
    expect(first).toMatchObject({ what: 'Clinician form: Sunnybrook', corrected: true, correctable: false });
    expect(second).toMatchObject({ corrected: false, correctionOf: original, correctable: true });
    expect(second.scores).toEqual([{ key: 'composite', label: 'Composite', value: 35 }]);
  });

  it('never offer to correct a patient questionnaire or a non-form record', () => {
    const face = entry({ kind: 'questionnaire', instrument: 'face', scores: { total: 51.7, social_function: 81 } });
    const botox = entry({ kind: 'botox_count', instrument: null, answers: null, scores: {} });
    expect(canCorrect(face)).toBe(false);
    expect(canCorrect(botox)).toBe(false);
    const [f, b] = historyRows([face, botox]);
    expect(f.what).toBe('Patient questionnaire: FaCE');
    expect(f.scores.map((s) => s.key)).toEqual(['total']);
    expect(b.what).toBe('Botox count');
  });

  it('label kinds in Swedish and show an unknown kind as it is', () => {
    const [eligibility, future] = historyRows(
      [entry({ kind: 'eligibility', instrument: null }), entry({ kind: 'emg', instrument: null })],
      'sv',
    );
    expect(eligibility.what).toBe('Behörighetskontroll');
    expect(future.what).toBe('emg');
  });
});
