// The patient's walk through a session: which screens come in which order, progress, and the
// review (every answer, and what is still missing). Pure functions over the content packs and the
// answers; no scoring and no answer codes of our own (codes come from the pack's options).

import type {
  AnswerValue,
  Answers,
  ContentPack,
  PatientInstrument,
  SessionForm,
} from '../ipc/types';

export type Step =
  | { kind: 'intro'; instrument: PatientInstrument }
  | { kind: 'item'; instrument: PatientInstrument; itemId: string; itemIndex: number }
  | { kind: 'side_effects' }
  | { kind: 'review' };

export type Packs = Partial<Record<PatientInstrument, ContentPack>>;
export type SessionAnswers = Partial<Record<PatientInstrument, Answers>>;

const QUESTIONNAIRES: readonly PatientInstrument[] = ['face', 'fdi', 'saq'];

export function isQuestionnaire(form: string): form is PatientInstrument {
  return (QUESTIONNAIRES as readonly string[]).includes(form);
}

/** The questionnaires of a session that still have to be answered, in session order. */
export function openQuestionnaires(forms: readonly SessionForm[], submitted: readonly string[]) {
  return forms.filter((f): f is PatientInstrument => isQuestionnaire(f) && !submitted.includes(f));
}

/**
 * The screens of a session in order: per questionnaire an intro and one screen
 * per item, then the side-effects screen if the session asks for it, then the review.
 * Forms already submitted are left out; unknown forms are ignored. There is no welcome step: the
 * hand-over screen welcomes the patient once (issue 11 point 9: two welcomes in a row).
 */
export function buildSteps(
  forms: readonly SessionForm[],
  packs: Packs,
  submitted: readonly string[] = [],
): Step[] {
  const steps: Step[] = [];
  for (const instrument of openQuestionnaires(forms, submitted)) {
    const pack = packs[instrument];
    if (!pack) throw new Error(`content pack for ${instrument} is not loaded`);
    steps.push({ kind: 'intro', instrument });
    pack.items.forEach((item, itemIndex) =>
      steps.push({ kind: 'item', instrument, itemId: item.id, itemIndex }),
    );
  }
  if (forms.includes('side_effects') && !submitted.includes('side_effects')) {
    steps.push({ kind: 'side_effects' });
  }
  steps.push({ kind: 'review' });
  return steps;
}

/** Progress counted over the screens where the patient answers (items and side effects). */
export function progress(steps: readonly Step[], index: number): { done: number; total: number } {
  const answerable = (st: Step) => st.kind === 'item' || st.kind === 'side_effects';
  const total = steps.filter(answerable).length;
  const done = steps.slice(0, index).filter(answerable).length;
  return { done, total };
}

/** 1-based position of an item inside its questionnaire, e.g. "question 3 of 15". */
export function itemPosition(pack: ContentPack, itemId: string) {
  return { number: pack.items.findIndex((i) => i.id === itemId) + 1, count: pack.items.length };
}

export function isAnswered(value: AnswerValue | null | undefined): value is AnswerValue {
  return value !== null && value !== undefined;
}

/** The label the patient saw for a stored value, or null if unanswered or not an option. */
export function labelFor(pack: ContentPack, itemId: string, value: AnswerValue | null | undefined) {
  if (!isAnswered(value)) return null;
  const item = pack.items.find((i) => i.id === itemId);
  return item?.options.find((o) => o.value === value)?.label ?? null;
}

export interface ReviewRow {
  instrument: PatientInstrument;
  itemId: string;
  number: number;
  text: string;
  /** Label of the chosen option; null = still missing. */
  answerLabel: string | null;
  /** Index into the steps, for "jump back to this item". */
  stepIndex: number;
}

export function reviewRows(steps: readonly Step[], packs: Packs, answers: SessionAnswers): ReviewRow[] {
  const rows: ReviewRow[] = [];
  steps.forEach((step, stepIndex) => {
    if (step.kind !== 'item') return;
    const pack = packs[step.instrument];
    if (!pack) return;
    const item = pack.items[step.itemIndex];
    rows.push({
      instrument: step.instrument,
      itemId: item.id,
      number: step.itemIndex + 1,
      text: item.text,
      answerLabel: labelFor(pack, item.id, answers[step.instrument]?.[item.id]),
      stepIndex,
    });
  });
  return rows;
}

export function missingRows(rows: readonly ReviewRow[]): ReviewRow[] {
  return rows.filter((r) => r.answerLabel === null);
}

/**
 * The answers object sent for one questionnaire: every item of the pack, in pack order, with
 * the option value the patient chose or null when missing (instruments.md: a missing item is
 * absent or null). Values that are not options of the item are dropped rather than sent.
 */
export function answersForSubmit(pack: ContentPack, answers: Answers | undefined): Answers {
  const out: Answers = {};
  for (const item of pack.items) {
    const v = answers?.[item.id];
    out[item.id] = isAnswered(v) && item.options.some((o) => o.value === v) ? v : null;
  }
  return out;
}

export function answeredCount(answers: Answers | undefined): number {
  return Object.values(answers ?? {}).filter(isAnswered).length;
}

/**
 * The one rule for the side-effect text's length, the domain's (issue 11 point 3): at most
 * SIDE_EFFECT_MAX_CHARS Unicode scalar values after NFC, generated from Rust. Counted in scalar
 * values, not UTF-16 units, so an emoji counts once here as it does on the tablet and server.
 */
export { SIDE_EFFECT_MAX_CHARS } from '../ipc/generated';

export function normalizeSideEffect(text: string): string {
  return text.normalize('NFC').trim();
}

/** The length the domain checks: Unicode scalar values of the normalised text. */
export function sideEffectLength(text: string): number {
  return [...normalizeSideEffect(text)].length;
}
