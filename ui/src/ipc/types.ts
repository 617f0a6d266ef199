// The IPC types, generated from Rust (`./generated.ts`, ts-rs; a Rust test fails when that file
// is stale). This module re-exports them so imports stay stable, and adds only UI-side helpers
// that are not IPC data.

export type {
  AnswerValue,
  Answers,
  AppState,
  ClavienDindoGrade,
  CommandError,
  ErrorCode,
  ContentItem,
  ContentOption,
  ContentPack,
  CriterionKind,
  DatesUpdate,
  Draft,
  EligibilityCriterion,
  EligibilityResult,
  EnrollResult,
  HistoryEntry,
  IdResult,
  InitStoreResult,
  Instrument,
  Label,
  Language,
  NewParticipant,
  OpenSession,
  Participant,
  PatientInstrument,
  PendingSideEffect,
  PlannedForm,
  PlannedTimepoint,
  ResumedSession,
  ScorePreview,
  Scores,
  Session,
  SessionDrafts,
  SessionForm,
  SpecialAnswer,
  StaffMember,
  StudyPlan,
  SubmissionResult,
  SyncSummary,
  TimepointState,
  TimepointStatus,
} from './generated';

import type { ClavienDindoGrade } from './generated';

/** Clavien-Dindo grades in the order the grading screen offers them. */
export const CLAVIEN_DINDO_GRADES = [
  'none',
  'I',
  'II',
  'IIIa',
  'IIIb',
  'IVa',
  'IVb',
  'V',
] as const satisfies readonly ClavienDindoGrade[];
