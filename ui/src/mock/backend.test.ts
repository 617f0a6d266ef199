import { describe, expect, it } from 'vitest';
import { MOCK_PASSPHRASE, MockBackend } from './backend';
import { mockContentPack } from './packs';
import { SUNNYBROOK_KEYS } from './scoring';

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
});
