// Generated from crates/tablet/src/dto.rs by ts-rs. Do not edit: change the Rust
// types, then run `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript`.

export type ErrorCode = "not_initialized" | "already_initialized" | "wrong_passphrase" | "locked_out" | "weak_passphrase" | "passphrase_change_required" | "passphrase_needed" | "invalid_input" | "duplicate_participant" | "not_found" | "not_enrolled" | "enrollment_failed" | "device_revoked" | "network" | "server_error" | "storage_full" | "integrity" | "store_unusable" | "internal" | "locked" | "no_changes" | "already_submitted" | "session_ended" | "session_open" | "unknown_command" | "unknown";

export type CommandError = { 
/**
 * Stable machine-readable code.
 */
code: ErrorCode, 
/**
 * What happened and what to do, in English; never patient data.
 */
message: string, 
/**
 * Structured details (e.g. the list of invalid answers).
 */
details?: unknown, };

export type Language = "sv" | "en";

export type StaffMember = { 
/**
 * Staff id (`anna.l`).
 */
id: string, 
/**
 * What the screens show: the staff id (the tablet keeps no names).
 */
name: string, 
/**
 * They unlocked with a short secret from an old store and must choose a passphrase
 * (`change_passphrase`) before anything else.
 */
mustChangePassphrase: boolean, 
/**
 * They have a quick-unlock PIN.
 */
hasPin: boolean, };

export type AppState = { 
/**
 * A store exists (otherwise: first-run set-up).
 */
initialized: boolean, 
/**
 * The store is open.
 */
unlocked: boolean, 
/**
 * The tablet is enrolled with a study server.
 */
enrolled: boolean, 
/**
 * Who unlocked it, while unlocked.
 */
staff: StaffMember | null, 
/**
 * The screen is locked but the key is in memory: a staff PIN opens it.
 */
quickUnlock: boolean, };

export type InitStoreResult = { 
/**
 * Shown once, to be written down: it is the only way in if every PIN is forgotten.
 */
recoveryKey: string, };

export type EnrollResult = { 
/**
 * The id the server gave this tablet.
 */
deviceId: string, };

export type TimepointStatus = "not_yet_due" | "due" | "overdue" | "missed" | "done" | "not_applicable";

export type TimepointState = { 
/**
 * Time point id (`post_6m`).
 */
timepoint: string, 
/**
 * Its status today.
 */
status: TimepointStatus, 
/**
 * First day of the window (YYYY-MM-DD), when it can be computed.
 */
windowStart: string | null, 
/**
 * Last day of the window.
 */
windowEnd: string | null, };

export type Participant = { 
/**
 * Pseudonym (`NT-001`).
 */
pseudonym: string, 
/**
 * Inclusion date (YYYY-MM-DD).
 */
inclusionDate: string, 
/**
 * Surgery date, once planned.
 */
surgeryDate: string | null, 
/**
 * Botox injection dates, oldest first.
 */
botoxDates: Array<string>, 
/**
 * The status a coordinator set on the server (`withdrawn`, …), as the last sync brought
 * it; `None`: screened, no change recorded.
 */
status: string | null, 
/**
 * The day that status took effect.
 */
statusDate: string | null, 
/**
 * Whether the participant left the study (nothing falls due, no new session).
 */
leftStudy: boolean, 
/**
 * Every time point, in protocol order.
 */
timepoints: Array<TimepointState>, };

export type NewParticipant = { 
/**
 * Pseudonym, checked against the study's pattern.
 */
pseudonym: string, 
/**
 * Inclusion date (YYYY-MM-DD).
 */
inclusionDate: string, 
/**
 * Surgery date, if planned.
 */
surgeryDate?: string, 
/**
 * Botox injection dates so far.
 */
botoxDates: Array<string>, };

export type DatesUpdate = { 
/**
 * The surgery date (YYYY-MM-DD), set or moved.
 */
surgeryDate?: string, 
/**
 * Botox injection dates to add.
 */
addBotoxDates: Array<string>, };

export type PatientInstrument = "face" | "fdi" | "saq";

export type Instrument = "face" | "fdi" | "saq" | "sunnybrook";

export type SessionForm = "face" | "fdi" | "saq" | "side_effects";

export type SpecialAnswer = "other_reasons" | "not_applicable";

export type AnswerValue = number | SpecialAnswer;

export type Answers = { [key in string]?: AnswerValue | null };

export type ContentOption = { 
/**
 * The value sent back as the answer.
 */
value: AnswerValue, 
/**
 * Its label.
 */
label: string, };

export type ContentItem = { 
/**
 * Item id (`q1`).
 */
id: string, 
/**
 * The question.
 */
text: string, 
/**
 * Its answers.
 */
options: Array<ContentOption>, };

export type ContentPack = { 
/**
 * Instrument.
 */
instrument: Instrument, 
/**
 * The language of the wording delivered: the study's own pack in the patient's language
 * when it has one, otherwise the English reference wording.
 */
language: string, 
/**
 * Title.
 */
title: string, 
/**
 * Instructions.
 */
instructions: string, 
/**
 * Recall period.
 */
recall: string, 
/**
 * The pack's licence and provenance notice, to show with the wording; `None` for a
 * reference pack's developer notice once the study has loaded a licensed pack.
 */
notice: string | null, 
/**
 * A reference pack shipped for development and testing, not licensed wording.
 */
reference: boolean, 
/**
 * SHA-256 of the pack, stored with every submission.
 */
sha256: string, 
/**
 * Items in order.
 */
items: Array<ContentItem>, };

export type Session = { 
/**
 * Session id (UUIDv7).
 */
sessionId: string, 
/**
 * Participant.
 */
participant: string, 
/**
 * Time point.
 */
timepoint: string, 
/**
 * The patient's language.
 */
language: Language, 
/**
 * What the patient is asked, in order.
 */
forms: Array<SessionForm>, };

export type OpenSession = { 
/**
 * Session id (UUIDv7).
 */
sessionId: string, 
/**
 * Participant.
 */
participant: string, 
/**
 * Time point.
 */
timepoint: string, 
/**
 * The patient's language.
 */
language: Language, 
/**
 * Who started it (staff id).
 */
startedBy: string, 
/**
 * When it started (UTC, RFC 3339).
 */
startedAt: string, };

export type ResumedSession = { 
/**
 * The session.
 */
session: Session, 
/**
 * Forms of `session.forms` already saved in this session.
 */
submitted: Array<SessionForm>, };

export type Draft = { 
/**
 * Instrument.
 */
instrument: PatientInstrument, 
/**
 * Answers so far.
 */
answers: Answers, };

export type SessionDrafts = { 
/**
 * Unsubmitted answers, one entry per questionnaire.
 */
answers: Array<Draft>, 
/**
 * The side-effect text typed so far, if any.
 */
sideEffects: string | null, };

export type Scores = { [key in string]?: number | null };

export type SubmissionResult = { 
/**
 * Submission id.
 */
id: string, 
/**
 * Its scores.
 */
scores: Scores, };

export type IdResult = { 
/**
 * Submission id.
 */
id: string, };

export type SyncSummary = { 
/**
 * Saved, not yet acknowledged by the server.
 */
pending: number, 
/**
 * Acknowledged with a matching receipt.
 */
acknowledged: number, 
/**
 * Refused by the server: kept here for the data manager, not retried.
 */
quarantined: number, 
/**
 * Age of the oldest pending item in seconds.
 */
oldestPendingAgeS: number | null, 
/**
 * Why the last attempt failed, if it did.
 */
lastError: string | null, 
/**
 * RFC 3339 UTC time of the last sync that finished without error.
 */
lastSyncAt: string | null, 
/**
 * A sync is running now.
 */
syncing: boolean, 
/**
 * The server revoked this tablet: it must be enrolled again with a new code (everything
 * unsynced is kept and goes to the server after that).
 */
revoked: boolean, 
/**
 * The study bundle version in force (1: the one shipped with the app).
 */
bundleVersion: number, 
/**
 * Why the last sync refused the server's study bundle (the one in force stays), if it did.
 */
bundleRefused: string | null, };

export type ScorePreview = { 
/**
 * Scores so far.
 */
scores: Scores, 
/**
 * Why a score is missing or flagged.
 */
notes: { [key in string]?: string }, 
/**
 * Sunnybrook: whether the composite meets the inclusion rule (absent until computable).
 */
eligible?: boolean, };

export type PendingSideEffect = { 
/**
 * Submission id of the side effect.
 */
id: string, 
/**
 * Participant.
 */
participant: string, 
/**
 * Time point.
 */
timepoint: string, 
/**
 * The patient's words.
 */
text: string, 
/**
 * When it was recorded (RFC 3339).
 */
createdAt: string, };

export type ClavienDindoGrade = "none" | "I" | "II" | "IIIa" | "IIIb" | "IVa" | "IVb" | "V";

export type Label = { 
/**
 * English.
 */
en: string, 
/**
 * Swedish, if the protocol has it (else show English).
 */
sv: string | null, };

export type PlannedTimepoint = { 
/**
 * Time point id (`post_6m`).
 */
id: string, 
/**
 * Its name.
 */
label: Label, 
/**
 * What the patient answers (`face`, `side_effects`, …), in protocol order.
 */
patientForms: Array<string>, 
/**
 * What staff record (`sunnybrook`, `botox_count`, …).
 */
staffForms: Array<string>, };

export type PlannedForm = { 
/**
 * Form id (`botox_count`).
 */
form: string, 
/**
 * Its name, if the protocol gives one.
 */
label: Label | null, 
/**
 * `strict` or `prorated`, for questionnaires.
 */
missing: string | null, 
/**
 * The Botox count's counting period, in months before the visit.
 */
countingPeriodMonths: number | null, };

export type StudyPlan = { 
/**
 * Study id.
 */
study: string, 
/**
 * The bundle version in force.
 */
version: number, 
/**
 * Time points in protocol order.
 */
timepoints: Array<PlannedTimepoint>, 
/**
 * The forms the protocol says something about.
 */
forms: Array<PlannedForm>, };

export type CriterionKind = "inclusion" | "exclusion";

export type EligibilityCriterion = { 
/**
 * Stable id.
 */
id: string, 
/**
 * Inclusion or exclusion.
 */
kind: CriterionKind, 
/**
 * The criterion as the registry record words it.
 */
label: Label, };

export type EligibilityResult = { 
/**
 * Submission id of the record.
 */
id: string, 
/**
 * Eligible, not eligible, or `null` while anything (Sunnybrook included) is unanswered.
 */
eligible: boolean | null, 
/**
 * Criteria (and `sunnybrook`) that make the patient ineligible.
 */
unmet: Array<string>, 
/**
 * Criteria (and `sunnybrook`) not answered yet.
 */
unanswered: Array<string>, };

export type HistoryEntry = { 
/**
 * Submission id.
 */
id: string, 
/**
 * `questionnaire`, `clinician_form`, `side_effect`, `side_effect_grade`, `botox_count`,
 * `eligibility` or `participant`.
 */
kind: string, 
/**
 * Instrument, for questionnaires and clinician forms.
 */
instrument: Instrument | null, 
/**
 * Time point.
 */
timepoint: string | null, 
/**
 * When (RFC 3339 UTC).
 */
recordedAt: string, 
/**
 * Who saved it.
 */
staffId: string, 
/**
 * The answers, for questionnaires and clinician forms.
 */
answers: Answers | null, 
/**
 * Scores, for questionnaires and clinician forms.
 */
scores: Scores, 
/**
 * The record this one corrects.
 */
supersedes: string | null, 
/**
 * The later record that corrects this one.
 */
supersededBy: string | null, 
/**
 * `pending`, `acknowledged` or `quarantined`.
 */
syncState: string, };

export type InitStoreRequest = { 
/**
 * The first staff member's name.
 */
staffName: string, 
/**
 * Their passphrase (it opens a key slot).
 */
passphrase: string, };

export type PassphraseRequest = { 
/**
 * The passphrase (or, on a locked screen whose key is held, the PIN).
 */
passphrase: string, };

export type SetPinRequest = { 
/**
 * 6–12 digits.
 */
pin: string, };

export type EnrollRequest = { 
/**
 * `https://…`, or `http://` for a loopback address only.
 */
serverUrl: string, 
/**
 * The one-time code from the study coordinator.
 */
code: string, };

export type ListParticipantsRequest = { 
/**
 * Part of a pseudonym; absent lists everyone.
 */
query?: string, };

export type UpdateDatesRequest = { 
/**
 * Whose dates.
 */
pseudonym: string, 
/**
 * What to set or add.
 */
update: DatesUpdate, };

export type ContentPackRequest = { 
/**
 * Which instrument.
 */
instrument: Instrument, 
/**
 * Which wording.
 */
language: Language, 
/**
 * The patient session it is shown in: its wording comes from the bundle the session
 * started under.
 */
sessionId: string | null, };

export type StartSessionRequest = { 
/**
 * The participant's pseudonym.
 */
participant: string, 
/**
 * The time point id.
 */
timepoint: string, 
/**
 * The patient's language.
 */
language: Language, };

export type AnswersRequest = { 
/**
 * The session.
 */
sessionId: string, 
/**
 * Which questionnaire.
 */
instrument: PatientInstrument, 
/**
 * Item id → answer.
 */
answers: Answers, };

export type SessionRequest = { 
/**
 * The session.
 */
sessionId: string, };

export type SideEffectTextRequest = { 
/**
 * The session.
 */
sessionId: string, 
/**
 * The patient's words (never logged).
 */
text: string, };

export type EndSessionRequest = { 
/**
 * The session.
 */
sessionId: string, 
/**
 * The staff passphrase or PIN.
 */
passphrase: string, };

export type ScorePreviewRequest = { 
/**
 * Which instrument.
 */
instrument: Instrument, 
/**
 * Item id → answer.
 */
answers: Answers, };

export type ClinicianFormRequest = { 
/**
 * The participant's pseudonym.
 */
participant: string, 
/**
 * The time point id.
 */
timepoint: string, 
/**
 * Which form.
 */
instrument: Instrument, 
/**
 * The wording the form was filled in with.
 */
language: Language, 
/**
 * Item id → answer.
 */
answers: Answers, };

export type CorrectionRequest = { 
/**
 * The submission it supersedes.
 */
supersedes: string, 
/**
 * The wording the form was filled in with.
 */
language: Language, 
/**
 * The corrected answers, complete.
 */
answers: Answers, 
/**
 * Why (kept with the record).
 */
reason: string, };

export type ParticipantRequest = { 
/**
 * The participant's pseudonym.
 */
participant: string, };

export type EligibilityRequest = { 
/**
 * The participant's pseudonym.
 */
participant: string, 
/**
 * The time point id.
 */
timepoint: string, 
/**
 * Criterion id → whether the statement holds; unanswered ids are left out.
 */
checklist: { [key in string]?: boolean }, };

export type GradeRequest = { 
/**
 * The side-effect submission graded.
 */
sideEffectId: string, 
/**
 * The grade.
 */
grade: ClavienDindoGrade, 
/**
 * The "d" suffix: still present at discharge.
 */
d: boolean, };

export type BotoxCountRequest = { 
/**
 * The participant's pseudonym.
 */
participant: string, 
/**
 * The time point id.
 */
timepoint: string, 
/**
 * Injections counted.
 */
count: number, };

/** Every command of crates/tablet/src/command_list.rs: its request (null: it takes none) and its response. */
export type Commands = {
  app_state: { request: null; response: AppState };
  init_store: { request: InitStoreRequest; response: InitStoreResult };
  unlock: { request: PassphraseRequest; response: StaffMember };
  change_passphrase: { request: PassphraseRequest; response: null };
  set_pin: { request: SetPinRequest; response: null };
  lock: { request: null; response: null };
  enroll: { request: EnrollRequest; response: EnrollResult };
  list_participants: { request: ListParticipantsRequest; response: Array<Participant> };
  add_participant: { request: NewParticipant; response: Participant };
  update_participant_dates: { request: UpdateDatesRequest; response: Participant };
  content_pack: { request: ContentPackRequest; response: ContentPack };
  start_session: { request: StartSessionRequest; response: Session };
  save_draft: { request: AnswersRequest; response: null };
  open_sessions: { request: null; response: Array<OpenSession> };
  resume_session: { request: SessionRequest; response: ResumedSession };
  save_side_effect_draft: { request: SideEffectTextRequest; response: null };
  resume_draft: { request: SessionRequest; response: SessionDrafts };
  submit_questionnaire: { request: AnswersRequest; response: SubmissionResult };
  submit_side_effect: { request: SideEffectTextRequest; response: IdResult };
  submit_no_side_effects: { request: SessionRequest; response: IdResult };
  end_session: { request: EndSessionRequest; response: null };
  sync_status: { request: null; response: SyncSummary };
  sync_now: { request: null; response: SyncSummary };
  score_preview: { request: ScorePreviewRequest; response: ScorePreview };
  submit_clinician_form: { request: ClinicianFormRequest; response: SubmissionResult };
  correct_clinician_form: { request: CorrectionRequest; response: SubmissionResult };
  participant_history: { request: ParticipantRequest; response: Array<HistoryEntry> };
  study_plan: { request: null; response: StudyPlan };
  eligibility_criteria: { request: null; response: Array<EligibilityCriterion> };
  record_eligibility: { request: EligibilityRequest; response: EligibilityResult };
  pending_side_effects: { request: null; response: Array<PendingSideEffect> };
  grade_side_effect: { request: GradeRequest; response: IdResult };
  record_botox_count: { request: BotoxCountRequest; response: IdResult };
};

export type CommandName = keyof Commands;

/** The command names in the order of the list. */
export const COMMAND_NAMES = [
  'app_state',
  'init_store',
  'unlock',
  'change_passphrase',
  'set_pin',
  'lock',
  'enroll',
  'list_participants',
  'add_participant',
  'update_participant_dates',
  'content_pack',
  'start_session',
  'save_draft',
  'open_sessions',
  'resume_session',
  'save_side_effect_draft',
  'resume_draft',
  'submit_questionnaire',
  'submit_side_effect',
  'submit_no_side_effects',
  'end_session',
  'sync_status',
  'sync_now',
  'score_preview',
  'submit_clinician_form',
  'correct_clinician_form',
  'participant_history',
  'study_plan',
  'eligibility_criteria',
  'record_eligibility',
  'pending_side_effects',
  'grade_side_effect',
  'record_botox_count',
] as const satisfies readonly CommandName[];

/** Every error code, in the order of the catalogue (crates/tablet/src/error.rs). */
export const ERROR_CODES = [
  'not_initialized',
  'already_initialized',
  'wrong_passphrase',
  'locked_out',
  'weak_passphrase',
  'passphrase_change_required',
  'passphrase_needed',
  'invalid_input',
  'duplicate_participant',
  'not_found',
  'not_enrolled',
  'enrollment_failed',
  'device_revoked',
  'network',
  'server_error',
  'storage_full',
  'integrity',
  'store_unusable',
  'internal',
  'locked',
  'no_changes',
  'already_submitted',
  'session_ended',
  'session_open',
  'unknown_command',
  'unknown',
] as const satisfies readonly ErrorCode[];

/** The longest side-effect text: Unicode scalar values after NFC (mimik_domain::side_effect::MAX_CHARS). */
export const SIDE_EFFECT_MAX_CHARS = 4000;

/** The highest Botox injection count (mimik_domain::content::MAX_BOTOX_COUNT). */
export const BOTOX_MAX_COUNT = 200;
