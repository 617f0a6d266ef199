import { describe, expect, it } from 'vitest';
import { mockContentPack } from '../mock/packs';
import {
  answersForSubmit,
  buildSteps,
  labelFor,
  missingRows,
  normalizeSideEffect,
  sideEffectLength,
  SIDE_EFFECT_MAX_CHARS,
  progress,
  reviewRows,
  type Packs,
} from './questionnaire';

const packs: Packs = { face: mockContentPack('face'), fdi: mockContentPack('fdi'), saq: mockContentPack('saq') };

describe('session steps', () => {
  it('orders intro and items per questionnaire, then side effects, then review, with no welcome of its own', () => {
    // The hand-over screen is the one welcome (issue 11 point 9: the patient saw two in a row).
    const steps = buildSteps(['face', 'fdi', 'saq', 'side_effects'], packs);
    expect(steps).toHaveLength((1 + 15) + (1 + 10) + (1 + 9) + 1 + 1);
    expect(steps[0]).toEqual({ kind: 'intro', instrument: 'face' });
    expect(steps[1]).toEqual({ kind: 'item', instrument: 'face', itemId: 'q1', itemIndex: 0 });
    expect(steps.at(-2)).toEqual({ kind: 'side_effects' });
    expect(steps.at(-1)).toEqual({ kind: 'review' });
  });

  it('leaves out forms that were already submitted', () => {
    const steps = buildSteps(['face', 'fdi', 'side_effects'], packs, ['face', 'side_effects']);
    expect(steps.filter((s) => s.kind === 'intro')).toEqual([{ kind: 'intro', instrument: 'fdi' }]);
    expect(steps.some((s) => s.kind === 'side_effects')).toBe(false);
  });

  it('refuses to build a session whose content pack is missing', () => {
    expect(() => buildSteps(['saq'], { face: packs.face })).toThrow(/saq/);
  });

  it('counts progress over answerable screens only', () => {
    const steps = buildSteps(['saq', 'side_effects'], packs);
    expect(progress(steps, 0)).toEqual({ done: 0, total: 10 });
    expect(progress(steps, 3)).toEqual({ done: 2, total: 10 }); // intro, q1, q2 before
    expect(progress(steps, steps.length - 1)).toEqual({ done: 10, total: 10 });
  });
});

describe('review and missing answers', () => {
  const steps = buildSteps(['face', 'fdi'], packs);

  it('lists every item with the label the patient chose and marks the rest missing', () => {
    const rows = reviewRows(steps, packs, { face: { q1: 5, q2: null }, fdi: { q6: 6, q5: 'not_applicable' } });
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({ instrument: 'face', itemId: 'q1', number: 1, answerLabel: 'Normally' });
    expect(rows[1].answerLabel).toBeNull();
    const fdi6 = rows.find((r) => r.instrument === 'fdi' && r.itemId === 'q6');
    expect(fdi6?.answerLabel).toBe('All of the time');
    const fdi5 = rows.find((r) => r.instrument === 'fdi' && r.itemId === 'q5');
    expect(fdi5?.answerLabel).toBe('Not applicable');
    expect(missingRows(rows)).toHaveLength(22);
  });

  it('points each review row at the step of its item', () => {
    const rows = reviewRows(steps, packs, {});
    for (const row of rows) {
      expect(steps[row.stepIndex]).toMatchObject({ kind: 'item', instrument: row.instrument, itemId: row.itemId });
    }
  });

  it('treats a value that is not an option of the item as missing', () => {
    expect(labelFor(packs.face!, 'q1', 9)).toBeNull();
    expect(labelFor(packs.face!, 'q1', 'other_reasons')).toBeNull();
  });
});

describe('answers sent on submit', () => {
  it('sends every item with the option value or null, never a label', () => {
    const out = answersForSubmit(packs.fdi!, { q1: 4, q5: 'other_reasons', q6: 6 });
    expect(Object.keys(out)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10']);
    expect(out).toMatchObject({ q1: 4, q2: null, q5: 'other_reasons', q6: 6, q10: null });
  });

  it('drops values the content pack does not offer and items it does not have', () => {
    const out = answersForSubmit(packs.saq!, { q1: 7, q2: 'not_applicable', q99: 1, q3: 3 });
    expect(out.q1).toBeNull();
    expect(out.q2).toBeNull();
    expect(out.q3).toBe(3);
    expect(out).not.toHaveProperty('q99');
  });

  it('normalises side-effect text to NFC and trims it', () => {
    const decomposed = '  Sva\u0308llning  ';
    expect(normalizeSideEffect(decomposed)).toBe('Svällning');
  });
});

describe('the side-effect length', () => {
  it('is the domain rule: 4,000 scalar values after NFC, never the smaller UTF-16 count', () => {
    // Issue 11 point 3: the UI allowed 2,000 UTF-16 units while the domain takes 4,000
    // characters; a smaller UI limit would refuse text the server accepts, a larger one would
    // queue bodies the server refuses.
    expect(SIDE_EFFECT_MAX_CHARS).toBe(4000);
    const emoji = '😀'.repeat(SIDE_EFFECT_MAX_CHARS); // 8,000 UTF-16 units, 4,000 scalar values
    expect(emoji.length).toBe(8000);
    expect(sideEffectLength(emoji)).toBe(SIDE_EFFECT_MAX_CHARS);
    expect(sideEffectLength(emoji + '😀')).toBe(SIDE_EFFECT_MAX_CHARS + 1);
    // A decomposed å (a + combining ring) is one character once normalised, as in Rust.
    expect(sideEffectLength('a\u030a')).toBe(1);
    expect(sideEffectLength('  ont  ')).toBe(3);
  });
});
