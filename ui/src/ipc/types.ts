// Provisional: to be replaced by types generated from Rust (ts-rs); keep shapes in sync with crates/device
//
// These are the argument and result shapes of the Tauri commands the UI calls. They are on the
// IPC boundary: change them only together with the Rust side.

/** Every failed command rejects with this (the Rust `CommandError`). */
export interface CommandError {
  /** Stable machine-readable code, e.g. `wrong_passphrase`, `invalid_input`, `locked`. */
  code: string;
  /** Human-readable message (English); the UI shows its own translated text for known codes. */
  message: string;
  details?: unknown;
}

export type Language = 'sv' | 'en';

export interface StaffMember {
  id: string;
  name: string;
}

export interface AppState {
  initialized: boolean;
  unlocked: boolean;
  enrolled: boolean;
  staff: StaffMember | null;
}

export interface InitStoreResult {
  recoveryKey: string;
}

export interface EnrollResult {
  deviceId: string;
}

/** Time point ids of study NCT05191719 (instruments.md, "Study NCT05191719: time points"). */
export type TimepointId =
  | 'baseline'
  | 'botox_no_effect'
  | 'botox_max_effect'
  | 'pre_surgery'
  | 'post_6m'
  | 'post_12m';

export type TimepointStatus = 'not_yet_due' | 'due' | 'overdue' | 'done';

export interface TimepointState {
  timepoint: string;
  status: TimepointStatus;
  /** ISO date (YYYY-MM-DD) or null when the window cannot be computed yet (e.g. no surgery date). */
  windowStart: string | null;
  windowEnd: string | null;
}

export interface Participant {
  pseudonym: string;
  inclusionDate: string;
  surgeryDate: string | null;
  botoxDates: string[];
  timepoints: TimepointState[];
}

export interface NewParticipant {
  pseudonym: string;
  inclusionDate: string;
  surgeryDate?: string;
  botoxDates: string[];
}

/** Questionnaire instruments answered by the patient. */
export type PatientInstrument = 'face' | 'fdi' | 'saq';
export type Instrument = PatientInstrument | 'sunnybrook';
/** What a session asks of the patient: the questionnaires plus the free-text side-effects form. */
export type SessionForm = PatientInstrument | 'side_effects';

/** FDI physical items (q1–q5) accept these besides the codes 1–5 (instruments.md, FDI). */
export type SpecialAnswer = 'other_reasons' | 'not_applicable';
export type AnswerValue = number | SpecialAnswer;
/** `{q1: 2, q2: 'not_applicable', …}`; a missing item is absent or null. */
export type Answers = Record<string, AnswerValue | null>;

export interface ContentOption {
  value: AnswerValue;
  label: string;
}

export interface ContentItem {
  id: string;
  text: string;
  options: ContentOption[];
}

export interface ContentPack {
  instrument: Instrument;
  /** Language of the wording actually delivered (may differ from the one asked for). */
  language: string;
  title: string;
  instructions: string;
  /** Recall period, e.g. "the past week". */
  recall: string;
  /** Citation / licence notice to show with the instrument. */
  notice: string;
  sha256: string;
  items: ContentItem[];
}

export interface Session {
  sessionId: string;
  participant: string;
  timepoint: string;
  language: Language;
  forms: SessionForm[];
}

export interface Draft {
  instrument: string;
  answers: Answers;
}
export type Drafts = Draft[];

export type Scores = Record<string, number | null>;

export interface SubmissionResult {
  id: string;
  scores: Scores;
}

export interface IdResult {
  id: string;
}

export interface SyncSummary {
  pending: number;
  acknowledged: number;
  quarantined: number;
  oldestPendingAgeS: number | null;
  lastError: string | null;
  /** RFC 3339 UTC timestamp of the last successful sync. */
  lastSyncAt: string | null;
}

export interface ScorePreview {
  scores: Scores;
  notes: Record<string, string>;
  eligible?: boolean;
}

export interface PendingSideEffect {
  id: string;
  participant: string;
  timepoint: string;
  text: string;
  createdAt: string;
}

export const CLAVIEN_DINDO_GRADES = ['none', 'I', 'II', 'IIIa', 'IIIb', 'IVa', 'IVb', 'V'] as const;
export type ClavienDindoGrade = (typeof CLAVIEN_DINDO_GRADES)[number];
