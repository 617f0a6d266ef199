// Scoring for the MOCK backend only (so e2e flows get realistic numbers back). The app itself
// never scores: the real scores come from mimik-domain through the Tauri commands. Formulas
// follow shared/instruments.md, strict missing-data mode.

import type { Answers, ScorePreview, Scores } from '../ipc/types';

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function values(answers: Answers, ids: string[]): Array<number | null> {
  return ids.map((id) => num(answers[id]));
}

const q = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `q${from + i}`);

function faceDomain(answers: Answers, items: number[], minAnswered: number): number | null {
  const vs = values(answers, items.map((i) => `q${i}`)).filter((v): v is number => v !== null);
  if (vs.length < minAnswered) return null;
  const sum = vs.reduce((a, b) => a + b, 0);
  return (100 * (sum - vs.length)) / (4 * vs.length);
}

export function scoreFace(a: Answers): Scores {
  const all = values(a, q(1, 15));
  const total = all.every((v) => v !== null)
    ? (100 * ((all as number[]).reduce((x, y) => x + y, 0) - 15)) / 60
    : null;
  return {
    facial_movement: faceDomain(a, [1, 2, 3], 2),
    facial_comfort: faceDomain(a, [4, 6, 13], 2),
    oral_function: faceDomain(a, [11, 12], 1),
    eye_comfort: faceDomain(a, [5, 7], 1),
    lacrimal_control: faceDomain(a, [8], 1),
    social_function: faceDomain(a, [9, 10, 14, 15], 2),
    total,
  };
}

function meanScaled(vs: Array<number | null>, factor: number): number | null {
  const n = vs.filter((v): v is number => v !== null);
  if (n.length === 0) return null;
  return ((n.reduce((x, y) => x + y, 0) - n.length) / n.length) * factor;
}

export function scoreFdi(a: Answers): Scores {
  return {
    physical_function: meanScaled(values(a, q(1, 5)), 25),
    social_wellbeing: meanScaled(values(a, q(6, 10)), 20),
  };
}

export function scoreSaq(a: Answers): Scores {
  const vs = values(a, q(1, 9));
  if (vs.some((v) => v === null)) return { total: null, raw_sum: null };
  const raw = (vs as number[]).reduce((x, y) => x + y, 0);
  return { total: (raw / 45) * 100, raw_sum: raw };
}

export const SUNNYBROOK_KEYS = [
  'rest_eye',
  'rest_cheek',
  'rest_mouth',
  'move_brow',
  'move_eye_closure',
  'move_smile',
  'move_snarl',
  'move_pucker',
  'synk_brow',
  'synk_eye_closure',
  'synk_smile',
  'synk_snarl',
  'synk_pucker',
];

export function scoreSunnybrook(a: Answers): ScorePreview {
  const get = (prefix: string) =>
    SUNNYBROOK_KEYS.filter((k) => k.startsWith(prefix)).map((k) => num(a[k]));
  const rest = get('rest_');
  const move = get('move_');
  const synk = get('synk_');
  const sum = (vs: Array<number | null>) =>
    vs.every((v) => v !== null) ? (vs as number[]).reduce((x, y) => x + y, 0) : null;
  const r = sum(rest);
  const m = sum(move);
  const s = sum(synk);
  const resting = r === null ? null : 5 * r;
  const movement = m === null ? null : 4 * m;
  const composite =
    resting !== null && movement !== null && s !== null ? movement - resting - s : null;
  const notes: Record<string, string> = {};
  const missing = SUNNYBROOK_KEYS.filter((k) => num(a[k]) === null);
  if (missing.length > 0) notes.composite = `All 13 ratings are required (missing: ${missing.length}).`;
  if (composite !== null && composite < 0)
    notes.composite = 'Composite below 0: probable entry error, check the ratings.';
  const preview: ScorePreview = {
    scores: {
      resting_symmetry: resting,
      voluntary_movement: movement,
      synkinesis: s,
      composite,
    },
    notes,
  };
  // Trial inclusion "Sunnybrook < 61" means composite ≤ 60 (instruments.md).
  // A negative composite (more at rest and synkinesis than movement) gets no verdict, as in Rust.
  if (composite !== null && composite >= 0) preview.eligible = composite <= 60;
  return preview;
}
