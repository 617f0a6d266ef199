// The only module that calls Tauri's `invoke` and `listen`. One typed wrapper per command (and
// one per event); components import these, never `@tauri-apps/api/core` or `/event`. The
// commands, their request and response types are generated from the one Rust list
// (crates/tablet/src/command_list.rs → `Commands` in ./generated): `call` accepts only a command
// of that list with its request type, and each command takes one request object, sent as
// `{ request }`.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  Answers,
  ClavienDindoGrade,
  CommandError,
  DatesUpdate,
  Instrument,
  Language,
  NewParticipant,
  PatientInstrument,
  SyncSummary,
} from './types';
import { ERROR_CODES, type CommandName, type Commands, type ErrorCode } from './generated';

/** Whether `code` is in the Rust catalogue. */
function isErrorCode(code: unknown): code is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(code);
}

/** Turn whatever a rejected invoke carries into a `CommandError`. */
export function toCommandError(raw: unknown): CommandError {
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
    const r = raw as { code: unknown; message: unknown; details?: unknown };
    const err: CommandError = { code: isErrorCode(r.code) ? r.code : 'unknown', message: String(r.message) };
    if (r.details !== undefined) err.details = r.details;
    return err;
  }
  if (typeof raw === 'string') return { code: 'unknown', message: raw };
  if (raw instanceof Error) return { code: 'unknown', message: raw.message };
  return { code: 'unknown', message: 'Unknown error' };
}

export function isCommandError(value: unknown): value is CommandError {
  return (
    !!value &&
    typeof value === 'object' &&
    isErrorCode((value as CommandError).code) &&
    typeof (value as CommandError).message === 'string'
  );
}

/** The arguments of `call` for command `K`: its request, or nothing when it takes none. */
type RequestArgs<K extends CommandName> = Commands[K]['request'] extends null ? [] : [request: Commands[K]['request']];

async function call<K extends CommandName>(cmd: K, ...args: RequestArgs<K>): Promise<Commands[K]['response']> {
  try {
    return await invoke<Commands[K]['response']>(cmd, args.length ? { request: args[0] } : undefined);
  } catch (raw) {
    throw toCommandError(raw);
  }
}

export const appState = () => call('app_state');

export const initStore = (staffName: string, passphrase: string) =>
  call('init_store', { staffName, passphrase });

export const unlock = (passphrase: string) => call('unlock', { passphrase });

export const lock = () => call('lock');

export const changePassphrase = (passphrase: string) => call('change_passphrase', { passphrase });

export const setPin = (pin: string) => call('set_pin', { pin });

export const enroll = (serverUrl: string, code: string) =>
  call('enroll', { serverUrl, code });

export const listParticipants = (query?: string) =>
  call('list_participants', query ? { query } : {});

export const addParticipant = (p: NewParticipant) =>
  call('add_participant', p);

/** Record a surgery date or Botox injections given since registration; the schedule follows. */
export const updateParticipantDates = (pseudonym: string, update: DatesUpdate) =>
  call('update_participant_dates', { pseudonym, update });

/** The wording of `instrument`; in a patient session, from the bundle the session started under. */
export const contentPack = (instrument: Instrument, language: Language, sessionId: string | null = null) =>
  call('content_pack', { instrument, language, sessionId });

export const startSession = (participant: string, timepoint: string, language: Language) =>
  call('start_session', { participant, timepoint, language });

export const saveDraft = (sessionId: string, instrument: PatientInstrument, answers: Answers) =>
  call('save_draft', { sessionId, instrument, answers });

/** Patient sessions still open (interrupted by a lock, a reload or a restart). Staff only. */
export const openSessions = () => call('open_sessions');

/** Take an open session up again: the tablet goes back to patient mode for it. Staff only. */
export const resumeSession = (sessionId: string) =>
  call('resume_session', { sessionId });

/** The side-effect text typed so far (an empty text removes it). The session in progress only. */
export const saveSideEffectDraft = (sessionId: string, text: string) =>
  call('save_side_effect_draft', { sessionId, text });

/** The drafts of the session in progress (after `resumeSession`). */
export const resumeDraft = (sessionId: string) => call('resume_draft', { sessionId });

export const submitQuestionnaire = (
  sessionId: string,
  instrument: PatientInstrument,
  answers: Answers,
) => call('submit_questionnaire', { sessionId, instrument, answers });

export const submitSideEffect = (sessionId: string, text: string) =>
  call('submit_side_effect', { sessionId, text });

/** The patient's answer "no side effects since the last visit". */
export const submitNoSideEffects = (sessionId: string) => call('submit_no_side_effects', { sessionId });

export const endSession = (sessionId: string, passphrase: string) =>
  call('end_session', { sessionId, passphrase });

export const syncStatus = () => call('sync_status');

export const syncNow = () => call('sync_now');

export const scorePreview = (instrument: Instrument, answers: Answers) =>
  call('score_preview', { instrument, answers });

/** Save a Sunnybrook filled in with the wording of `language` (the record names that wording). */
export const submitClinicianForm = (participant: string, timepoint: string, language: Language, answers: Answers) =>
  call('submit_clinician_form', {
    participant,
    timepoint,
    instrument: 'sunnybrook',
    language,
    answers,
  });

/** Correct a saved clinician form: a new record naming the one it supersedes, with a reason. */
export const correctClinicianForm = (supersedes: string, language: Language, answers: Answers, reason: string) =>
  call('correct_clinician_form', { supersedes, language, answers, reason });

/** Everything saved for one participant, oldest first, corrections linked both ways. */
export const participantHistory = (participant: string) =>
  call('participant_history', { participant });

/** The protocol in force: time points with their labels and forms, the forms' settings. */
export const studyPlan = () => call('study_plan');

export const eligibilityCriteria = () => call('eligibility_criteria');

/** `checklist[id]` is true when the statement holds for the patient; unanswered ids are left out. */
export const recordEligibility = (participant: string, timepoint: string, checklist: Record<string, boolean>) =>
  call('record_eligibility', { participant, timepoint, checklist });

export const pendingSideEffects = () => call('pending_side_effects');

export const gradeSideEffect = (sideEffectId: string, grade: ClavienDindoGrade, d: boolean) =>
  call('grade_side_effect', { sideEffectId, grade, d });

export const recordBotoxCount = (participant: string, timepoint: string, count: number) =>
  call('record_botox_count', { participant, timepoint, count });

/** The Tauri event the shell emits when a background sync starts and when it ends. */
export const SYNC_STATUS_EVENT = 'sync-status';

/** Call `cb` with every `sync-status` event until the returned function is called. */
export function onSyncStatus(cb: (summary: SyncSummary) => void): Promise<UnlistenFn> {
  return listen<SyncSummary>(SYNC_STATUS_EVENT, (event) => cb(event.payload));
}
