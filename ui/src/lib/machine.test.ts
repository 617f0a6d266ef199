import { describe, expect, it } from 'vitest';
import type { AppState, Session } from '../ipc/types';
import { initialState, isPatientScreen, locksOnInactivity, transition, type MachineState } from './machine';

const staff = { id: 's1', name: 'Anna', mustChangePassphrase: false, hasPin: true };
const session: Session = {
  sessionId: 'sess-1',
  participant: 'NT-001',
  timepoint: 'post_6m',
  language: 'en',
  forms: ['face', 'fdi', 'saq', 'side_effects'],
};
const app = (over: Partial<AppState> = {}): AppState => ({
  initialized: true,
  unlocked: true,
  enrolled: true,
  staff,
  quickUnlock: false,
  ...over,
});

function run(state: MachineState, ...events: Parameters<typeof transition>[1][]) {
  return events.reduce(transition, state);
}

describe('screen state machine', () => {
  it('starts first-run setup when the store does not exist', () => {
    const s = run(initialState, { type: 'loaded', app: app({ initialized: false, unlocked: false, staff: null }) });
    expect(s.screen).toEqual({ name: 'setup_create' });
  });

  it('shows the lock screen when the store is locked', () => {
    const s = run(initialState, { type: 'loaded', app: app({ unlocked: false, staff: null }) });
    expect(s.screen.name).toBe('locked');
    expect(s.staff).toBeNull();
  });

  it('walks setup: recovery key once, then enrollment, then reloads', () => {
    let s = run(initialState, { type: 'loaded', app: app({ initialized: false, unlocked: false, staff: null }) });
    s = transition(s, { type: 'store_created', recoveryKey: 'KEY-1' });
    expect(s.screen).toEqual({ name: 'setup_recovery', recoveryKey: 'KEY-1' });
    s = transition(s, { type: 'recovery_confirmed' });
    expect(s.screen).toEqual({ name: 'setup_enroll' });
    expect(JSON.stringify(s)).not.toContain('KEY-1');
    s = transition(s, { type: 'enroll_skipped' });
    expect(s.screen.name).toBe('loading');
  });

  it('reaches patient mode only through a staff-started session and hand-over', () => {
    const home = run(initialState, { type: 'loaded', app: app() });
    expect(transition(home, { type: 'patient_begin' })).toBe(home);
    const handover = transition(home, { type: 'session_started', session });
    expect(handover.screen.name).toBe('handover');
    const patient = transition(handover, { type: 'patient_begin' });
    expect(patient.screen.name).toBe('patient');
    const locked = run(initialState, { type: 'loaded', app: app({ unlocked: false, staff: null }) });
    expect(transition(locked, { type: 'session_started', session })).toBe(locked);
  });

  it('locking a patient session keeps nothing of it in the UI state (the store keeps it open)', () => {
    const patient = run(
      initialState,
      { type: 'loaded', app: app() },
      { type: 'session_started', session },
      { type: 'patient_begin' },
      { type: 'form_submitted', form: 'face' },
    );
    const locked = transition(patient, { type: 'locked' });
    expect(locked.screen).toEqual({ name: 'locked' });
    expect(locked.staff).toBeNull();
    expect(JSON.stringify(locked)).not.toContain(session.sessionId);
  });

  it('resuming an open session needs an unlocked staff member and then goes to hand-over', () => {
    const active = { session, submitted: ['face'] };
    let s = run(
      initialState,
      { type: 'loaded', app: app() },
      { type: 'session_started', session },
      { type: 'patient_begin' },
      { type: 'locked' },
    );
    expect(transition(s, { type: 'session_resumed', active })).toBe(s);
    s = transition(s, { type: 'unlocked', staff });
    expect(s.screen).toEqual({ name: 'staff', view: { kind: 'home' } });
    s = transition(s, { type: 'session_resumed', active });
    expect(s.screen).toEqual({ name: 'handover', resumed: true, active });
    const patient = transition(s, { type: 'patient_begin' });
    expect(transition(patient, { type: 'session_resumed', active })).toBe(patient);
  });

  it('ending the session returns to staff home and forgets the session', () => {
    const s = run(
      initialState,
      { type: 'loaded', app: app() },
      { type: 'session_started', session },
      { type: 'patient_begin' },
      { type: 'session_ended' },
    );
    expect(s.screen).toEqual({ name: 'staff', view: { kind: 'home' } });
    expect(JSON.stringify(s)).not.toContain(session.sessionId);
  });

  it('counts a form as submitted once even if told twice', () => {
    const s = run(
      initialState,
      { type: 'loaded', app: app() },
      { type: 'session_started', session },
      { type: 'patient_begin' },
      { type: 'form_submitted', form: 'fdi' },
      { type: 'form_submitted', form: 'fdi' },
    );
    expect(s.screen.name === 'patient' && s.screen.active.submitted).toEqual(['fdi']);
  });

  it('does not lock during setup so the recovery key cannot vanish', () => {
    const s = run(
      initialState,
      { type: 'loaded', app: app({ initialized: false, unlocked: false, staff: null }) },
      { type: 'store_created', recoveryKey: 'K' },
    );
    expect(transition(s, { type: 'locked' })).toBe(s);
    expect(locksOnInactivity(s.screen)).toBe(false);
  });

  it('runs the inactivity lock on staff and patient screens only', () => {
    expect(locksOnInactivity({ name: 'staff', view: { kind: 'home' } })).toBe(true);
    expect(locksOnInactivity({ name: 'locked' })).toBe(false);
    const active = { session, submitted: [] };
    expect(locksOnInactivity({ name: 'patient', active, resumed: false })).toBe(true);
    expect(isPatientScreen({ name: 'handover', active, resumed: false })).toBe(true);
    expect(isPatientScreen({ name: 'staff', view: { kind: 'home' } })).toBe(false);
  });

  it('ignores navigation outside staff screens', () => {
    const locked = run(initialState, { type: 'loaded', app: app({ unlocked: false, staff: null }) });
    expect(transition(locked, { type: 'navigate', view: { kind: 'grading' } })).toBe(locked);
  });
});
