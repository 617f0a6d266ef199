// Mock content packs for the e2e build and unit tests. The wording is the English reference
// wording of shared/instruments.md (FaCE items verbatim; FDI and SAQ items written out from the
// item descriptions there). Every language gets the English pack with language = 'en' and a
// notice: the licensed Swedish translations are not public and are never machine-translated.
// The real packs come from instruments/<lang>/*.toml through the Rust backend.

import type { ContentOption, ContentPack, Instrument } from '../ipc/types';

const NOTICE_MOCK =
  'Mock content pack for testing the user interface. A study must load its licensed, validated translation.';

function opts(labels: string[], values: Array<ContentOption['value']>): ContentOption[] {
  return labels.map((label, i) => ({ label, value: values[i] }));
}

// FaCE response sets A/B/C, codes 1 (worst) … 5 (best), instruments.md.
const FACE_A = opts(['Not at all', 'Only if I concentrate', 'A little', 'Almost normally', 'Normally'], [1, 2, 3, 4, 5]);
const FACE_B = opts(
  ['All of the time', 'Most of the time', 'Some of the time', 'A little of the time', 'None of the time'],
  [1, 2, 3, 4, 5],
);
const FACE_C = opts(['Strongly agree', 'Agree', "Don't know", 'Disagree', 'Strongly disagree'], [1, 2, 3, 4, 5]);

const FACE_ITEMS: Array<[string, ContentOption[]]> = [
  ['When I smile, the affected side of my mouth goes up', FACE_A],
  ['I can raise my eyebrow on the affected side', FACE_A],
  ['When I pucker my lips, the affected side of my mouth moves', FACE_A],
  ['Parts of my face feel tight, worn out, or uncomfortable', FACE_B],
  ['My affected eye feels dry, irritated, or scratchy', FACE_B],
  ['When I try to move my face, I feel tension, pain or spasm', FACE_B],
  ['I use eye drops or ointment in my affected eye', FACE_B],
  ['My affected eye is wet or has tears in it', FACE_B],
  ['I act differently around people because of my face or facial problem', FACE_B],
  ['People treat me differently because of my face or facial problem', FACE_B],
  ['I have problems moving food around in my mouth', FACE_B],
  ['I have problems with drooling or keeping food or drink in my mouth or off my chin and clothes', FACE_B],
  ['My face feels tired or when I try to move my face, I feel tension, pain, or spasm', FACE_C],
  [
    'My appearance has affected my willingness to participate in social activities or to see family or friends',
    FACE_C,
  ],
  [
    "Because of difficulty with the way I eat, I have avoided eating in restaurants or in other people's homes",
    FACE_C,
  ],
];

// FDI physical items 1–5: codes 5 … 1 plus the two special answers (instruments.md, FDI).
const FDI_PHYSICAL = opts(
  [
    'Usually did with no difficulty',
    'A little difficulty',
    'Some difficulty',
    'Much difficulty',
    'Usually did not do because of health',
    'Usually did not do for other reasons',
    'Not applicable',
  ],
  [5, 4, 3, 2, 1, 'other_reasons', 'not_applicable'],
);
const FDI_SOCIAL_LABELS = [
  'All of the time',
  'Most of the time',
  'A good bit of the time',
  'Some of the time',
  'A little bit of the time',
  'None of the time',
];
// Item 6 is positively worded: "all of the time" = 6 … "none of the time" = 1; items 7–10 reversed.
const FDI_SOCIAL_POSITIVE = opts(FDI_SOCIAL_LABELS, [6, 5, 4, 3, 2, 1]);
const FDI_SOCIAL_NEGATIVE = opts(FDI_SOCIAL_LABELS, [1, 2, 3, 4, 5, 6]);

const FDI_ITEMS: Array<[string, ContentOption[]]> = [
  [
    'How much difficulty did you have keeping food in your mouth, moving food around in your mouth, or getting food stuck in your cheek while eating?',
    FDI_PHYSICAL,
  ],
  ['How much difficulty did you have drinking from a cup?', FDI_PHYSICAL],
  ['How much difficulty did you have saying specific sounds while speaking?', FDI_PHYSICAL],
  ['How much difficulty did you have with your eye tearing excessively or becoming dry?', FDI_PHYSICAL],
  ['How much difficulty did you have brushing your teeth or rinsing your mouth?', FDI_PHYSICAL],
  ['How much of the time have you felt calm and peaceful?', FDI_SOCIAL_POSITIVE],
  ['How much of the time did you isolate yourself from people around you?', FDI_SOCIAL_NEGATIVE],
  ['How much of the time did you get irritable toward those around you?', FDI_SOCIAL_NEGATIVE],
  ['How often did you wake up early or wake up several times during your nighttime sleep?', FDI_SOCIAL_NEGATIVE],
  [
    'How often has your facial function kept you from going out to eat, shop, or participate in family or social activities?',
    FDI_SOCIAL_NEGATIVE,
  ],
];

// SAQ: 1 seldom or not at all … 5 all the time or severely (higher = worse).
const SAQ_OPTS = opts(
  [
    'Seldom or not at all',
    'Occasionally or very mildly',
    'Sometimes or mildly',
    'Often or moderately',
    'All the time or severely',
  ],
  [1, 2, 3, 4, 5],
);
const SAQ_ITEMS = [
  'When I smile, my eye closes',
  'When I speak, my eye closes',
  'When I whistle or pucker my lips, my eye closes',
  'When I smile, my neck tightens',
  'When I close my eyes, my face gets tight',
  'When I close my eyes, the corner of my mouth moves',
  'When I close my eyes, my neck tightens',
  'When I eat, my eye waters',
  'When I move my face, my chin develops a dimpled area',
];

// Sunnybrook (clinician): keys and codes of instruments.md.
const SB_MOVE = opts(
  [
    'Unable to initiate movement',
    'Initiates slight movement',
    'Initiated movement with mild excursion',
    'Movement almost complete',
    'Movement complete',
  ],
  [1, 2, 3, 4, 5],
);
const SB_SYNK = opts(['None', 'Mild', 'Moderate', 'Severe'], [0, 1, 2, 3]);
const SB_EXPRESSIONS: Array<[string, string]> = [
  ['brow', 'Forehead wrinkle (brow lift)'],
  ['eye_closure', 'Gentle eye closure'],
  ['smile', 'Open-mouth smile'],
  ['snarl', 'Snarl'],
  ['pucker', 'Lip pucker'],
];
const SUNNYBROOK_ITEMS: Array<[string, string, ContentOption[]]> = [
  ['rest_eye', 'Resting: eye (palpebral fissure)', opts(['Normal', 'Narrow, wide or eyelid surgery'], [0, 1])],
  [
    'rest_cheek',
    'Resting: cheek (nasolabial fold)',
    opts(['Normal', 'Less pronounced or more pronounced', 'Absent'], [0, 1, 2]),
  ],
  ['rest_mouth', 'Resting: mouth', opts(['Normal', 'Corner drooped or pulled up/out'], [0, 1])],
  ...SB_EXPRESSIONS.map(([k, label]): [string, string, ContentOption[]] => [`move_${k}`, `Voluntary movement: ${label}`, SB_MOVE]),
  ...SB_EXPRESSIONS.map(([k, label]): [string, string, ContentOption[]] => [`synk_${k}`, `Synkinesis: ${label}`, SB_SYNK]),
];

function fakeSha(seed: string): string {
  // A stable 64-hex-digit stand-in; the real hash is computed by the backend over the pack file.
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (const ch of seed + round) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

export function mockContentPack(instrument: Instrument): ContentPack {
  const base = { instrument, language: 'en', reference: true, sha256: fakeSha(`mock/${instrument}/en`) };
  switch (instrument) {
    case 'face':
      return {
        ...base,
        title: 'Facial Clinimetric Evaluation (FaCE) Scale',
        instructions:
          'The following statements are about how your face moves and feels. Choose the answer that best describes you.',
        recall: 'During the past week',
        notice: `English reference wording: Kahn et al., Laryngoscope 2001;111:387–398. ${NOTICE_MOCK}`,
        items: FACE_ITEMS.map(([text, options], i) => ({ id: `q${i + 1}`, text, options })),
      };
    case 'fdi':
      return {
        ...base,
        title: 'Facial Disability Index (FDI)',
        instructions: 'These questions are about difficulties you may have had because of your face.',
        recall: 'During the past month',
        notice: `English reference: VanSwearingen & Brach, Phys Ther 1996;76:1288–1298. ${NOTICE_MOCK}`,
        items: FDI_ITEMS.map(([text, options], i) => ({ id: `q${i + 1}`, text, options })),
      };
    case 'saq':
      return {
        ...base,
        title: 'Synkinesis Assessment Questionnaire (SAQ)',
        instructions: 'Choose how often or how strongly each of the following happens to you.',
        recall: 'At present',
        notice: `English reference: Mehta et al., Laryngoscope 2007;117:923–926. ${NOTICE_MOCK}`,
        items: SAQ_ITEMS.map((text, i) => ({ id: `q${i + 1}`, text, options: SAQ_OPTS })),
      };
    case 'sunnybrook':
      return {
        ...base,
        title: 'Sunnybrook Facial Grading System',
        instructions: 'Grade the affected side compared with the normal side.',
        recall: '',
        notice: `Ross et al., Otolaryngol Head Neck Surg 1996;114:380–386. ${NOTICE_MOCK}`,
        items: SUNNYBROOK_ITEMS.map(([id, text, options]) => ({ id, text, options })),
      };
  }
}
