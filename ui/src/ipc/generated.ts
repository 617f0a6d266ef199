// Generated from crates/tablet/src/dto.rs by ts-rs. Do not edit: change the Rust
// types, then run `MIMIK_WRITE_TS=1 cargo test -p mimik-tablet --lib typescript`.

export type CommandError = { 
/**
 * Stable machine-readable code (`wrong_passphrase`, `invalid_input`, `locked`, …).
 */
code: string, 
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

export type TimepointStatus = "not_yet_due" | "due" | "overdue" | "done";

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
 * The time points that have forms on the tablet, in protocol order.
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
 * Citation and licence notice.
 */
notice: string, 
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
revoked: boolean, };

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
 * The statement, for staff.
 */
text: string, };

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
