// The screen state machine. Pure: `transition(state, event)` returns the next state and never
// calls the backend; App.svelte performs the commands and feeds their results back as events.
//
// Invariants worth keeping (each has a unit test):
// - patient screens are reachable only through a hand-over started by an unlocked staff member;
// - locking from anywhere leaves nothing of the patient's session in this state: an interrupted
//   session stays open in the store (its answers as encrypted drafts), and staff find it on the
//   home screen after unlocking (`open_sessions`) to resume or end it;
// - an event that makes no sense on the current screen leaves the state unchanged.

import type { AppState, HistoryEntry, Session, StaffMember } from '../ipc/types';

export type StaffView =
  | { kind: 'home' }
  | { kind: 'start'; participant?: string }
  | { kind: 'sunnybrook'; participant?: string }
  | { kind: 'eligibility'; participant?: string }
  | { kind: 'grading' }
  | { kind: 'botox'; participant?: string }
  /** A participant's saved records; `corrected` after a correction was just saved. */
  | { kind: 'history'; participant: string; corrected?: boolean }
  /** Correcting a saved clinician form (staff data, not a patient's answers). */
  | { kind: 'correct'; participant: string; entry: HistoryEntry };

export interface ActiveSession {
  session: Session;
  /** Forms already submitted in this session (so a resumed session never resubmits them). */
  submitted: string[];
}

export type Screen =
  | { name: 'loading' }
  | { name: 'setup_create' }
  | { name: 'setup_recovery'; recoveryKey: string }
  | { name: 'setup_enroll' }
  | { name: 'locked' }
  | { name: 'staff'; view: StaffView }
  | { name: 'handover'; active: ActiveSession; resumed: boolean }
  | { name: 'patient'; active: ActiveSession; resumed: boolean };

export interface MachineState {
  screen: Screen;
  staff: StaffMember | null;
  enrolled: boolean;
}

export type MachineEvent =
  | { type: 'loaded'; app: AppState }
  | { type: 'store_created'; recoveryKey: string }
  | { type: 'recovery_confirmed' }
  | { type: 'enrolled' }
  | { type: 'enroll_skipped' }
  | { type: 'unlocked'; staff: StaffMember }
  | { type: 'locked' }
  | { type: 'navigate'; view: StaffView }
  | { type: 'session_started'; session: Session }
  /** Staff took an open session up again (`resume_session`). */
  | { type: 'session_resumed'; active: ActiveSession }
  | { type: 'patient_begin' }
  | { type: 'form_submitted'; form: string }
  | { type: 'session_ended' };

export const initialState: MachineState = {
  screen: { name: 'loading' },
  staff: null,
  enrolled: false,
};

const HOME: Screen = { name: 'staff', view: { kind: 'home' } };

/** Screens on which the inactivity lock runs (never during setup: the recovery key must not vanish). */
export function locksOnInactivity(screen: Screen): boolean {
  return screen.name === 'staff' || screen.name === 'handover' || screen.name === 'patient';
}

/** Whether the screen belongs to a patient (UI language = the session's language). */
export function isPatientScreen(screen: Screen): boolean {
  return screen.name === 'handover' || screen.name === 'patient';
}

export function transition(state: MachineState, event: MachineEvent): MachineState {
  const s = state.screen;
  switch (event.type) {
    case 'loaded': {
      const { app } = event;
      const base = { ...state, enrolled: app.enrolled, staff: app.unlocked ? app.staff : null };
      if (!app.initialized) return { ...base, staff: null, screen: { name: 'setup_create' } };
      if (!app.unlocked || !app.staff) return { ...base, staff: null, screen: { name: 'locked' } };
      return { ...base, screen: HOME };
    }
    case 'store_created':
      if (s.name !== 'setup_create') return state;
      return { ...state, screen: { name: 'setup_recovery', recoveryKey: event.recoveryKey } };
    case 'recovery_confirmed':
      // The recovery key leaves the state here: it is shown exactly once.
      if (s.name !== 'setup_recovery') return state;
      return { ...state, screen: { name: 'setup_enroll' } };
    case 'enrolled':
      if (s.name !== 'setup_enroll' && s.name !== 'staff') return state;
      return { ...state, enrolled: true, screen: s.name === 'setup_enroll' ? { name: 'loading' } : s };
    case 'enroll_skipped':
      if (s.name !== 'setup_enroll') return state;
      return { ...state, screen: { name: 'loading' } };
    case 'unlocked':
      if (s.name !== 'locked') return state;
      return { ...state, staff: event.staff, screen: HOME };
    case 'locked':
      if (s.name === 'loading' || s.name.startsWith('setup_') || s.name === 'locked') return state;
      return { ...state, staff: null, screen: { name: 'locked' } };
    case 'navigate':
      if (s.name !== 'staff') return state;
      return { ...state, screen: { name: 'staff', view: event.view } };
    case 'session_started':
      if (s.name !== 'staff' || !state.staff) return state;
      return {
        ...state,
        screen: { name: 'handover', active: { session: event.session, submitted: [] }, resumed: false },
      };
    case 'session_resumed':
      if (s.name !== 'staff' || !state.staff) return state;
      return {
        ...state,
        screen: {
          name: 'handover',
          active: { session: event.active.session, submitted: [...event.active.submitted] },
          resumed: true,
        },
      };
    case 'patient_begin':
      if (s.name !== 'handover') return state;
      return { ...state, screen: { name: 'patient', active: s.active, resumed: s.resumed } };
    case 'form_submitted':
      if (s.name !== 'patient' || s.active.submitted.includes(event.form)) return state;
      return {
        ...state,
        screen: { ...s, active: { ...s.active, submitted: [...s.active.submitted, event.form] } },
      };
    case 'session_ended':
      if (s.name !== 'handover' && s.name !== 'patient') return state;
      return { ...state, screen: HOME };
  }
}
