import { describe, expect, it } from 'vitest';
import { MAX_WRONG_PINS, MOCK_PASSPHRASE, MOCK_PIN, MockBackend } from './backend';
import { mockContentPack } from './packs';
import { SUNNYBROOK_KEYS } from './scoring';
import { SEED_SUNNYBROOK } from './study';

function unlocked() {
  const b = new MockBackend({ now: () => Date.parse('2026-03-01T10:00:00Z') });
  b.handle('unlock', { passphrase: MOCK_PASSPHRASE });
  return b;
}

describe('mock content packs', () => {
  it('code FDI item 6 positively and items 7 to 10 negatively (instruments.md)', () => {
    const fdi = mockContentPack('fdi');
    const allOfTheTime = (i: number) => fdi.items[i - 1].options.find((o) => o.label === 'All of the time')?.value;
    expect(allOfTheTime(6)).toBe(6);
    for (const i of [7, 8, 9, 10]) expect(allOfTheTime(i)).toBe(1);
    expect(fdi.items[0].options.map((o) => o.value)).toEqual([5, 4, 3, 2, 1, 'other_reasons', 'not_applicable']);
  });

  it('has the item counts of FaCE, FDI, SAQ and the 13 Sunnybrook keys', () => {
    expect(mockContentPack('face').items).toHaveLength(15);
    expect(mockContentPack('fdi').items).toHaveLength(10);
    expect(mockContentPack('saq').items).toHaveLength(9);
    expect(mockContentPack('sunnybrook').items.map((i) => i.id)).toEqual(SUNNYBROOK_KEYS);
    expect(SUNNYBROOK_KEYS).toHaveLength(13);
  });
});

describe('mock backend', () => {
  it('refuses a wrong passphrase with code wrong_passphrase', () => {
    const b = new MockBackend();
    expect(() => b.handle('unlock', { passphrase: 'nope' })).toThrow(
      expect.objectContaining({ code: 'wrong_passphrase' }),
    );
  });

  it('scores the worked examples F3, D3, S3 and SB3 like instruments.md', () => {
    const b = unlocked();
    const s = b.handle('start_session', { participant: 'NT-001', timepoint: 'post_6m', language: 'en' }) as {
      sessionId: string;
    };
    const codes = (xs: Array<number | string>) => Object.fromEntries(xs.map((v, i) => [`q${i + 1}`, v]));
    const face = b.handle('submit_questionnaire', {
      sessionId: s.sessionId,
      instrument: 'face',
      answers: codes([2, 1, 3, 2, 3, 2, 4, 3, 4, 5, 4, 3, 2, 3, 5]),
    }) as { scores: Record<string, number> };
    expect(face.scores.total).toBeCloseTo(51.667, 3);
    expect(face.scores.social_function).toBe(81.25);
    const fdi = b.handle('submit_questionnaire', {
      sessionId: s.sessionId,
      instrument: 'fdi',
      answers: codes([4, 5, 3, 2, 'other_reasons', 3, 5, 3, 2, 6]),
    }) as { scores: Record<string, number> };
    expect(fdi.scores).toEqual({ physical_function: 62.5, social_wellbeing: 56 });
    const saq = b.handle('submit_questionnaire', {
      sessionId: s.sessionId,
      instrument: 'saq',
      answers: codes([4, 3, 2, 1, 5, 3, 2, 1, 1]),
    }) as { scores: Record<string, number> };
    expect(saq.scores.raw_sum).toBe(22);
    const sb = b.handle('score_preview', {
      instrument: 'sunnybrook',
      answers: {
        rest_eye: 1, rest_cheek: 1, rest_mouth: 0,
        move_brow: 3, move_eye_closure: 4, move_smile: 3, move_snarl: 3, move_pucker: 2,
        synk_brow: 1, synk_eye_closure: 2, synk_smile: 3, synk_snarl: 2, synk_pucker: 3,
      },
    });
    expect(sb).toMatchObject({ scores: { composite: 39 }, eligible: true });
  });

  it('rejects an answer code that the item does not offer', () => {
    const b = unlocked();
    const s = b.handle('start_session', { participant: 'NT-002', timepoint: 'botox_no_effect', language: 'sv' }) as {
      sessionId: string;
    };
    expect(() =>
      b.handle('submit_questionnaire', { sessionId: s.sessionId, instrument: 'face', answers: { q1: 'other_reasons' } }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('refuses the d flag with grade V or none', () => {
    const b = unlocked();
    for (const grade of ['V', 'none']) {
      expect(() => b.handle('grade_side_effect', { sideEffectId: 'se-seed-1', grade, d: true })).toThrow(
        expect.objectContaining({ code: 'invalid_input' }),
      );
    }
    expect(() => b.handle('grade_side_effect', { sideEffectId: 'se-seed-1', grade: 'III', d: false })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('ends a session only with a staff passphrase', () => {
    const b = unlocked();
    const s = b.handle('start_session', { participant: 'NT-002', timepoint: 'baseline', language: 'en' }) as {
      sessionId: string;
    };
    expect(() => b.handle('end_session', { sessionId: s.sessionId, passphrase: '0000' })).toThrow(
      expect.objectContaining({ code: 'wrong_passphrase' }),
    );
    expect(b.handle('end_session', { sessionId: s.sessionId, passphrase: MOCK_PASSPHRASE })).toBeNull();
  });

  it('refuses a session at pre_surgery, which has no patient forms', () => {
    const b = unlocked();
    expect(() => b.handle('start_session', { participant: 'NT-001', timepoint: 'pre_surgery', language: 'en' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('creates the store only for a staff id handle', () => {
    const b = new MockBackend({ firstRun: true });
    expect(() => b.handle('init_store', { staffName: 'Anna Lund', passphrase: 'long-enough' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    b.handle('init_store', { staffName: 'anna.l', passphrase: 'long-enough' });
    expect(b.handle('app_state')).toMatchObject({ staff: { id: 'anna.l', name: 'anna.l' } });
  });

  it('returns the id of a grade and reports syncing false when idle', () => {
    const b = unlocked();
    expect(b.handle('grade_side_effect', { sideEffectId: 'se-seed-1', grade: 'II', d: false })).toEqual({
      id: expect.any(String),
    });
    expect(b.handle('sync_status')).toMatchObject({ syncing: false });
  });

  it('emits sync-status at the start and end of a background sync', async () => {
    const seen: Array<{ syncing: boolean; pending: number }> = [];
    const b = new MockBackend({ emitSyncStatus: (s) => seen.push({ syncing: s.syncing, pending: s.pending }) });
    await b.backgroundSync(0);
    expect(seen).toEqual([
      { syncing: true, pending: 2 },
      { syncing: false, pending: 0 },
    ]);
  });

  it('decides eligibility from the checklist and the latest Sunnybrook at that time point', () => {
    const b = unlocked();
    const criteria = b.handle('eligibility_criteria') as Array<{ id: string; kind: string }>;
    expect(criteria.length).toBeGreaterThanOrEqual(8);
    const all = Object.fromEntries(criteria.map((c) => [c.id, c.kind === 'inclusion']));
    // NT-001 has a baseline Sunnybrook with composite 39.
    expect(b.handle('record_eligibility', { participant: 'NT-001', timepoint: 'baseline', checklist: all })).toMatchObject({
      eligible: true,
      unmet: [],
      unanswered: [],
    });
    expect(
      b.handle('record_eligibility', {
        participant: 'NT-001',
        timepoint: 'baseline',
        checklist: { ...all, smoking: true, written_consent: false },
      }),
    ).toMatchObject({ eligible: false, unmet: ['written_consent', 'smoking'] });
    // NT-002 has no Sunnybrook yet: undecided even with every criterion answered.
    expect(b.handle('record_eligibility', { participant: 'NT-002', timepoint: 'baseline', checklist: all })).toMatchObject({
      eligible: null,
      unanswered: ['sunnybrook'],
    });
    expect(() => b.handle('record_eligibility', { participant: 'NT-001', timepoint: 'post_6m', checklist: all })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('corrects a clinician form only with a reason, and links the two in the history', () => {
    const b = unlocked();
    const before = b.handle('participant_history', { participant: 'NT-001' }) as Array<{ id: string; kind: string }>;
    const original = before.find((e) => e.kind === 'clinician_form')!;
    const answers = { ...SEED_SUNNYBROOK, rest_eye: 0 };
    expect(() => b.handle('correct_clinician_form', { language: 'en', supersedes: original.id, answers, reason: '  ' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    const fixed = b.handle('correct_clinician_form', { language: 'en', supersedes: original.id, answers, reason: 'wrong side' }) as {
      id: string;
    };
    const after = b.handle('participant_history', { participant: 'NT-001' }) as Array<{
      id: string;
      supersedes: string | null;
      supersededBy: string | null;
      staffId: string;
    }>;
    expect(after.find((e) => e.id === original.id)?.supersededBy).toBe(fixed.id);
    expect(after.find((e) => e.id === fixed.id)).toMatchObject({ supersedes: original.id, staffId: 'anna.b' });
  });

  it("refuses to correct a patient's questionnaire", () => {
    const b = unlocked();
    const s = b.handle('start_session', { participant: 'NT-002', timepoint: 'botox_no_effect', language: 'en' }) as {
      sessionId: string;
    };
    const q = b.handle('submit_questionnaire', { sessionId: s.sessionId, instrument: 'face', answers: { q1: 2 } }) as {
      id: string;
    };
    // Staff work waits until the patient session ends, as in the backend.
    expect(() => b.handle('list_participants')).toThrow(expect.objectContaining({ code: 'locked' }));
    b.handle('end_session', { sessionId: s.sessionId, passphrase: MOCK_PASSPHRASE });
    expect(() =>
      b.handle('correct_clinician_form', { language: 'en', supersedes: q.id, answers: SEED_SUNNYBROOK, reason: 'typo' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('mock backend: PIN and passphrase (as app/mod.rs)', () => {
  it('opens a locked screen with the PIN, and after three wrong ones only with the passphrase', () => {
    const b = unlocked();
    b.handle('lock');
    expect((b.handle('app_state') as { quickUnlock: boolean }).quickUnlock).toBe(true);
    expect(b.handle('unlock', { passphrase: MOCK_PIN })).toMatchObject({ id: 'anna.b', hasPin: true });
    b.handle('lock');
    for (let i = 1; i < MAX_WRONG_PINS; i++)
      expect(() => b.handle('unlock', { passphrase: '111111' })).toThrow(
        expect.objectContaining({ code: 'wrong_passphrase' }),
      );
    expect(() => b.handle('unlock', { passphrase: '111111' })).toThrow(
      expect.objectContaining({ code: 'passphrase_needed' }),
    );
    expect(() => b.handle('unlock', { passphrase: MOCK_PIN })).toThrow(
      expect.objectContaining({ code: 'passphrase_needed' }),
    );
    b.handle('unlock', { passphrase: MOCK_PASSPHRASE });
  });

  it('refuses a PIN or digits as the passphrase that opens the store', () => {
    const b = new MockBackend({ firstRun: true });
    expect(() => b.handle('init_store', { staffName: 'anna.l', passphrase: '12345678901' })).toThrow(
      expect.objectContaining({ code: 'weak_passphrase' }),
    );
    b.handle('init_store', { staffName: 'anna.l', passphrase: 'a-long-passphrase' });
    expect(() => b.handle('set_pin', { pin: '12345' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    b.handle('set_pin', { pin: '123456' });
  });
});
