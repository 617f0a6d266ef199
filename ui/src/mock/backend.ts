// An in-memory fake of the Tauri commands, for the e2e build (src/e2e-mocks.ts) and unit tests.
// It mimics the contract of the Rust side (argument names, result shapes, error codes) closely
// enough to drive every screen; it is not a reference for validation or scheduling rules.
// Where it imitates one (scores, windows, eligibility, secrets, locks), scenarios.json holds it to
// the Rust App: both run that table (scenarios.test.ts, crates/tablet/src/scenarios.rs).
//
// MOCK PASSPHRASE: the seeded staff member `anna.b` unlocks with `mimik-e2e-pass`
// (MOCK_PASSPHRASE below). In first-run mode the passphrase is whatever setup chose.

import { COMMAND_NAMES, SIDE_EFFECT_MAX_CHARS, type CommandName, type ErrorCode } from '../ipc/generated';
import type {
  AnswerValue,
  Answers,
  AppState,
  CommandError,
  DatesUpdate,
  EligibilityResult,
  Instrument,
  Participant,
  PatientInstrument,
  PendingSideEffect,
  Session,
  SyncSummary,
  TimepointState,
} from '../ipc/types';
import { CLAVIEN_DINDO_GRADES } from '../ipc/types';
import { mockContentPack } from './packs';
import { scoreFace, scoreFdi, scoreSaq, scoreSunnybrook } from './scoring';
import { evaluateEligibility, historyOf, type MockSubmission } from './records';
import { isPin, isStrongPassphrase } from '../lib/secrets';
import {
  FORMS_BY_TIMEPOINT,
  MOCK_CRITERIA,
  MOCK_PLAN,
  SEED_SUNNYBROOK,
  STAFF_FORMS_BY_TIMEPOINT,
  STAFF_ID,
  TIMEPOINTS,
} from './study';

export { FORMS_BY_TIMEPOINT, MOCK_CRITERIA, STAFF_FORMS_BY_TIMEPOINT } from './study';
export type { MockKind, MockSubmission } from './records';

export const MOCK_PASSPHRASE = 'mimik-e2e-pass';
/** The seeded staff member's quick-unlock PIN (opens only a screen locked while running). */
export const MOCK_PIN = '246810';
/** Wrong secrets in a row on a locked screen before the key is dropped (app/mod.rs). */
export const MAX_WRONG_PINS = 3;
/** Staff ids are handles (the tablet keeps no names); `name` is the id too. */
export const MOCK_STAFF = { id: 'anna.b', name: 'anna.b' };
export const MOCK_RECOVERY_KEY = 'MIMIK-7Q4K-2M9X-HT3D-88PL-VC5A-KW2E-QJ6N';

interface StoredParticipant {
  pseudonym: string;
  inclusionDate: string;
  surgeryDate: string | null;
  botoxDates: string[];
  done: Set<string>;
}

interface StoredSession {
  session: Session;
  startedBy: string;
  startedAt: string;
  ended: boolean;
  drafts: Map<string, Answers>;
  sideEffectDraft?: string;
  submitted: Set<string>;
}

interface StoredSideEffect extends PendingSideEffect {
  grade?: string;
  d?: boolean;
}

function fail(code: ErrorCode, message: string, details?: unknown): never {
  const err: CommandError = { code, message };
  if (details !== undefined) err.details = details;
  throw err;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const parse = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** `ms` (a UTC midnight) plus `months` calendar months, the day clamped to the month's last. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months + 1, 0)).getUTCDate();
  return first + (Math.min(d.getUTCDate(), last) - 1) * DAY;
}

export interface MockOptions {
  /** Start uninitialised (first-run setup). */
  firstRun?: boolean;
  /** "Now" in ms; defaults to the real clock. */
  now?: () => number;
  /** Receives the `sync-status` event payloads (the e2e build forwards them to Tauri's mocked events). */
  emitSyncStatus?: (summary: SyncSummary) => void;
}

export class MockBackend {
  initialized = true;
  unlocked = false;
  /** The backend holds the store's key (unlocked, or behind a locked screen: a PIN will do). */
  keyHeld = false;
  wrongSecrets = 0;
  enrolled = true;
  staff: Array<{ id: string; name: string; passphrase: string; pin?: string; mustChange?: boolean }> = [
    { ...MOCK_STAFF, passphrase: MOCK_PASSPHRASE, pin: MOCK_PIN },
  ];
  current: { id: string; name: string } | null = null;
  /** The session a patient holds the tablet for (the backend's patient mode). */
  patientSession: string | null = null;
  syncing = false;
  /** The server revoked this tablet (set by tests); enrolling again clears it. */
  revoked = false;
  participants = new Map<string, StoredParticipant>();
  sessions = new Map<string, StoredSession>();
  submissions: MockSubmission[] = [];
  sideEffects: StoredSideEffect[] = [];
  lastError: string | null = null;
  lastSyncAt: string | null = null;
  private seq = 0;
  private readonly now: () => number;
  private readonly emitSyncStatus: (summary: SyncSummary) => void;

  constructor(opts: MockOptions = {}) {
    this.now = opts.now ?? (() => Date.now());
    this.emitSyncStatus = opts.emitSyncStatus ?? (() => {});
    if (opts.firstRun) {
      this.initialized = false;
      this.enrolled = false;
      this.staff = [];
      return;
    }
    this.seed();
  }

  private nextId(prefix: string) {
    this.seq += 1;
    return `${prefix}-${String(this.seq).padStart(4, '0')}`;
  }

  private today() {
    return parse(iso(this.now()));
  }

  private seed() {
    const t = this.today();
    this.participants.set('NT-001', {
      pseudonym: 'NT-001',
      inclusionDate: iso(t - 400 * DAY),
      surgeryDate: iso(t - 182 * DAY),
      botoxDates: [iso(t - 420 * DAY), iso(t - 300 * DAY), iso(t - 230 * DAY)],
      done: new Set(['baseline', 'botox_no_effect', 'botox_max_effect', 'pre_surgery']),
    });
    this.participants.set('NT-002', {
      pseudonym: 'NT-002',
      inclusionDate: iso(t - 30 * DAY),
      surgeryDate: null,
      botoxDates: [iso(t - 200 * DAY), iso(t - 120 * DAY)],
      done: new Set(['baseline']),
    });
    this.sideEffects.push({
      id: 'se-seed-1',
      participant: 'NT-001',
      timepoint: 'post_6m',
      text: 'Svullnad på kinden i två dagar efter operationen.',
      createdAt: new Date(this.now() - 3 * DAY).toISOString(),
    });
    // NT-001's baseline Sunnybrook, already synced (the history and correction flows use it).
    this.submissions.push({
      id: this.nextId('sub'),
      kind: 'clinician_form',
      participant: 'NT-001',
      timepoint: 'baseline',
      instrument: 'sunnybrook',
      body: { answers: { ...SEED_SUNNYBROOK }, scores: scoreSunnybrook(SEED_SUNNYBROOK).scores },
      createdAt: parse(iso(t - 395 * DAY)) + 10 * 3600_000,
      synced: true,
      staffId: MOCK_STAFF.id,
    });
    const twoHoursAgo = this.now() - 2 * 3600_000;
    for (const tp of ['baseline', 'baseline']) {
      this.submissions.push({
        id: this.nextId('sub'),
        kind: 'side_effect',
        participant: 'NT-002',
        timepoint: tp,
        body: { text: 'Lätt huvudvärk.' },
        createdAt: twoHoursAgo,
        synced: false,
        staffId: MOCK_STAFF.id,
      });
    }
    this.lastError = 'Server unreachable: connection timed out';
  }

  /** The store is open (patient screens need no more); a short secret must be replaced first. */
  private requireOpen(evenBeforeNewPassphrase = false) {
    if (!this.initialized) fail('not_initialized', 'The store has not been created yet.');
    if (!this.unlocked) fail('locked', 'The tablet is locked.');
    if (!evenBeforeNewPassphrase && this.me().mustChange)
      fail('passphrase_change_required', 'choose a passphrase before going on');
  }

  /** Staff work: refused while a patient holds the tablet, as in the backend. */
  private requireStaff(evenBeforeNewPassphrase = false) {
    this.requireOpen(evenBeforeNewPassphrase);
    if (this.patientSession) fail('locked', 'a patient session is in progress; a staff passphrase or PIN ends it');
  }

  private me() {
    const me = this.staff.find((s) => s.id === this.current?.id);
    if (!me) fail('locked', 'The tablet is locked.');
    return me;
  }

  private staffMember() {
    const me = this.me();
    return { id: me.id, name: me.name, mustChangePassphrase: me.mustChange ?? false, hasPin: me.pin !== undefined };
  }

  /** A PIN or passphrase against the key in memory; too many wrong ones drop the key. */
  private checkSecret(secret: string) {
    const who = this.staff.find((s) => s.pin === secret || s.passphrase === secret);
    if (who) {
      this.wrongSecrets = 0;
      return who;
    }
    this.wrongSecrets += 1;
    if (this.wrongSecrets >= MAX_WRONG_PINS) {
      this.keyHeld = false;
      this.unlocked = false;
      this.current = null;
      this.patientSession = null;
      this.wrongSecrets = 0;
      fail('passphrase_needed', 'too many wrong PINs: enter your passphrase');
    }
    return undefined;
  }

  private participant(pseudonym: unknown): StoredParticipant {
    const p = this.participants.get(String(pseudonym));
    if (!p) fail('not_found', `No participant ${String(pseudonym)}`);
    return p;
  }

  private liveSession(sessionId: unknown): StoredSession {
    const s = this.sessions.get(String(sessionId));
    if (!s) fail('not_found', 'No such session.');
    if (s.ended) fail('session_ended', 'The session has ended.');
    return s;
  }

  // The windows of studies/nct05191719.toml, as crates/domain's schedule computes them: months are
  // calendar months, clamped to the end of a shorter month (31 Aug + 6 months = 28 Feb).
  /** [opens, closes, target] of a time point, as crates/domain's schedule counts them. */
  private window(p: StoredParticipant, tp: string): [number, number, number] | null {
    const lastBotox = p.botoxDates.length ? Math.max(...p.botoxDates.map(parse)) : null;
    const surgery = p.surgeryDate ? parse(p.surgeryDate) : null;
    const inclusion = parse(p.inclusionDate);
    const around = (target: number, before: number, after: number): [number, number, number] => [
      target - before * DAY,
      target + after * DAY,
      target,
    ];
    switch (tp) {
      case 'baseline':
        return around(inclusion, 0, 14);
      case 'botox_max_effect':
        return lastBotox === null ? null : around(lastBotox + 14 * DAY, 0, 14);
      case 'botox_no_effect':
        return lastBotox === null ? null : around(addMonths(lastBotox, 4), 14, 14);
      case 'pre_surgery':
        return surgery === null ? null : around(surgery, 30, 0);
      case 'post_6m':
        return surgery === null ? null : around(addMonths(surgery, 6), 30, 30);
      case 'post_12m':
        return surgery === null ? null : around(addMonths(surgery, 12), 30, 30);
    }
    return null;
  }

  private view(p: StoredParticipant): Participant {
    const today = this.today();
    // As crates/domain's schedule: a time point with no tablet form at all (pre_surgery) is
    // not applicable; side effects and their grading are optional there.
    const collected = (tp: string) =>
      [...FORMS_BY_TIMEPOINT[tp], ...STAFF_FORMS_BY_TIMEPOINT[tp]].some(
        (f) => f !== 'side_effects' && f !== 'clavien_dindo',
      );
    const timepoints: TimepointState[] = TIMEPOINTS.map((tp) => {
      const w = this.window(p, tp);
      let status: TimepointState['status'] = 'not_yet_due';
      if (!collected(tp)) status = 'not_applicable';
      else if (p.done.has(tp)) status = 'done';
      else if (w && today >= w[0]) status = today <= w[2] ? 'due' : today <= w[1] ? 'overdue' : 'missed';
      const shown = status === 'not_applicable' ? null : w;
      return {
        timepoint: tp,
        status,
        windowStart: shown ? iso(shown[0]) : null,
        windowEnd: shown ? iso(shown[1]) : null,
      };
    });
    return {
      pseudonym: p.pseudonym,
      inclusionDate: p.inclusionDate,
      surgeryDate: p.surgeryDate,
      botoxDates: [...p.botoxDates],
      // The mock has no server: nobody sets a status.
      status: null,
      statusDate: null,
      leftStudy: false,
      timepoints,
    };
  }

  private record(sub: Omit<MockSubmission, 'id' | 'createdAt' | 'synced' | 'staffId'>): MockSubmission {
    const full: MockSubmission = {
      ...sub,
      id: this.nextId('sub'),
      createdAt: this.now(),
      synced: false,
      staffId: this.current?.id ?? MOCK_STAFF.id,
    };
    this.submissions.push(full);
    return full;
  }

  private syncSummary(): SyncSummary {
    const pending = this.submissions.filter((s) => !s.synced);
    const oldest = pending.length ? Math.min(...pending.map((s) => s.createdAt)) : null;
    return {
      pending: pending.length,
      acknowledged: this.submissions.length - pending.length,
      quarantined: 0,
      oldestPendingAgeS: oldest === null ? null : Math.floor((this.now() - oldest) / 1000),
      lastError: this.lastError,
      lastSyncAt: this.lastSyncAt,
      syncing: this.syncing,
      revoked: this.revoked,
      bundleVersion: 1,
      bundleRefused: null,
    };
  }

  /** What a sync does: acknowledge everything (or fail when not enrolled). */
  private syncAll() {
    if (!this.enrolled) {
      this.lastError = 'The tablet is not enrolled.';
      return;
    }
    if (this.revoked) {
      this.lastError = 'the server revoked this device; every unsynced item is kept. Re-enroll with a new code';
      return;
    }
    for (const s of this.submissions) s.synced = true;
    this.lastError = null;
    this.lastSyncAt = new Date(this.now()).toISOString();
  }

  /**
   * A background sync like the shell's timer runs: emits `sync-status` with `syncing: true`, and
   * again when it ends after `durationMs`. For e2e tests (`window.__MIMIK_MOCK__`).
   */
  async backgroundSync(durationMs = 500): Promise<void> {
    this.syncing = true;
    this.emitSyncStatus(this.syncSummary());
    await new Promise((r) => setTimeout(r, durationMs));
    this.syncAll();
    this.syncing = false;
    this.emitSyncStatus(this.syncSummary());
  }

  /** Questionnaires saved for a participant at a time point, in any session. */
  private savedAt(participant: string, timepoint: string): string[] {
    return this.submissions
      .filter((s) => s.kind === 'questionnaire' && s.participant === participant && s.timepoint === timepoint)
      .map((s) => String(s.instrument));
  }

  /** The time point's patient forms without questionnaires in `saved` (as the backend). */
  private notSaved(timepoint: string, saved: string[]): Session['forms'] {
    return FORMS_BY_TIMEPOINT[timepoint].filter((f) => f === 'side_effects' || !saved.includes(f));
  }

  /** The form must be one of the time point's staff forms (the store's check_form). */
  private requireStaffForm(timepoint: string, form: string) {
    if (!(STAFF_FORMS_BY_TIMEPOINT[timepoint] ?? []).includes(form))
      fail('invalid_input', `${form} is not a staff form of ${timepoint}`);
  }


  /**
   * What `mockIPC` hands over, as the shell receives it: a command name and `{ request }` (see
   * src/ipc/commands.ts). Unknown commands fail as they would in the shell.
   */
  dispatch(cmd: string, args: unknown): unknown {
    if (!(COMMAND_NAMES as readonly string[]).includes(cmd))
      fail('unknown_command', `The mock backend has no command ${cmd}`);
    const request = (args as { request?: Record<string, unknown> } | undefined)?.request ?? {};
    return this.handle(cmd as CommandName, request);
  }

  /**
   * The command dispatcher, one case per command of the generated `CommandName` (the compiler
   * fails when a command has none): returns the result or throws a CommandError.
   */
  handle(cmd: CommandName, args: Record<string, unknown> = {}): unknown {
    switch (cmd) {
      case 'app_state':
        // As in the backend: a UI loading during patient mode gets the lock screen.
        if (this.patientSession) this.handle('lock');
        return {
          initialized: this.initialized,
          unlocked: this.unlocked,
          enrolled: this.enrolled,
          staff: this.unlocked ? this.staffMember() : null,
          quickUnlock: this.keyHeld && !this.unlocked,
        } satisfies AppState;
      case 'init_store': {
        if (this.initialized) fail('already_initialized', 'The store already exists.');
        const id = String(args.staffName ?? '').trim();
        const passphrase = String(args.passphrase ?? '');
        if (!STAFF_ID.test(id)) fail('invalid_input', 'staff id: use 2–32 characters a–z, 0–9, . - _');
        if (!isStrongPassphrase(passphrase))
          fail('weak_passphrase', 'a passphrase needs at least 10 characters and not only digits');
        this.initialized = true;
        this.staff = [{ id, name: id, passphrase }];
        this.current = { id, name: id };
        this.unlocked = true;
        this.keyHeld = true;
        return { recoveryKey: MOCK_RECOVERY_KEY };
      }
      case 'unlock': {
        if (!this.initialized) fail('not_initialized', 'The store has not been created yet.');
        const secret = String(args.passphrase ?? '');
        // With the key in memory a PIN will do; without it only a passphrase opens the files.
        const who = this.keyHeld
          ? this.checkSecret(secret)
          : this.staff.find((s) => s.passphrase === secret);
        if (!who) {
          if (!this.keyHeld && isPin(secret)) fail('passphrase_needed', 'a PIN cannot open the store');
          fail('wrong_passphrase', 'Wrong passphrase or PIN.');
        }
        this.unlocked = true;
        this.keyHeld = true;
        this.wrongSecrets = 0;
        this.current = { id: who.id, name: who.name };
        this.patientSession = null;
        return this.staffMember();
      }
      case 'lock':
        this.unlocked = false;
        this.current = null;
        this.patientSession = null;
        return null;
      case 'change_passphrase': {
        this.requireStaff(true);
        const passphrase = String(args.passphrase ?? '');
        if (!isStrongPassphrase(passphrase))
          fail('weak_passphrase', 'a passphrase needs at least 10 characters and not only digits');
        const me = this.me();
        me.passphrase = passphrase;
        me.mustChange = false;
        return null;
      }
      case 'set_pin': {
        this.requireStaff();
        const pin = String(args.pin ?? '');
        if (!isPin(pin)) fail('invalid_input', 'a PIN is 6 to 12 digits');
        this.me().pin = pin;
        return null;
      }
      case 'enroll': {
        this.requireStaff();
        const url = String(args.serverUrl ?? '');
        const loopback = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);
        if (!url.startsWith('https://') && !loopback)
          fail('invalid_input', 'The server URL must start with https://');
        if (String(args.code ?? '') !== 'ENROLL-1234')
          fail('enrollment_failed', 'The server refused the enrollment code.');
        this.enrolled = true;
        this.revoked = false;
        return { deviceId: 'dev-0001' };
      }
      case 'list_participants': {
        this.requireStaff();
        const query = String(args.query ?? '').trim().toLowerCase();
        return [...this.participants.values()]
          .filter((p) => !query || p.pseudonym.toLowerCase().includes(query))
          .sort((a, b) => a.pseudonym.localeCompare(b.pseudonym))
          .map((p) => this.view(p));
      }
      case 'add_participant': {
        this.requireStaff();
        const pseudonym = String(args.pseudonym ?? '').trim();
        if (!/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/.test(pseudonym))
          fail('invalid_input', 'pseudonym: use letters, digits and dashes');
        if (this.participants.has(pseudonym)) fail('duplicate_participant', `${pseudonym} exists`);
        const dates = [args.inclusionDate, args.surgeryDate, ...((args.botoxDates as unknown[]) ?? [])];
        for (const d of dates)
          if (d !== undefined && d !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(d)))
            fail('invalid_input', `not a date: ${String(d)}`);
        if (!args.inclusionDate) fail('invalid_input', 'inclusionDate is required');
        const p: StoredParticipant = {
          pseudonym,
          inclusionDate: String(args.inclusionDate),
          surgeryDate: args.surgeryDate ? String(args.surgeryDate) : null,
          botoxDates: ((args.botoxDates as string[]) ?? []).slice().sort(),
          done: new Set(),
        };
        this.participants.set(pseudonym, p);
        return this.view(p);
      }
      case 'update_participant_dates': {
        this.requireStaff();
        const p = this.participant(args.pseudonym);
        const update = (args.update ?? {}) as DatesUpdate;
        const added = update.addBotoxDates ?? [];
        for (const d of [update.surgeryDate, ...added])
          if (d !== undefined && d !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(d)))
            fail('invalid_input', `not a date: ${String(d)}`);
        const surgery = update.surgeryDate || null;
        const changesSurgery = surgery !== null && surgery !== p.surgeryDate;
        if (!changesSurgery && !added.some((d) => !p.botoxDates.includes(d))) fail('no_changes', 'no date changes');
        if (changesSurgery) p.surgeryDate = surgery;
        p.botoxDates = [...new Set([...p.botoxDates, ...added])].sort();
        return this.view(p);
      }
      case 'content_pack': {
        this.requireOpen();
        const instrument = String(args.instrument) as Instrument;
        if (!['face', 'fdi', 'saq', 'sunnybrook'].includes(instrument))
          fail('not_found', `No content pack for ${instrument}`);
        if (args.language !== 'sv' && args.language !== 'en') fail('invalid_input', 'language');
        return mockContentPack(instrument);
      }
      case 'start_session': {
        this.requireStaff();
        const p = this.participant(args.participant);
        const timepoint = String(args.timepoint);
        if (!TIMEPOINTS.includes(timepoint)) fail('invalid_input', `unknown time point ${timepoint}`);
        if (FORMS_BY_TIMEPOINT[timepoint].length === 0)
          fail('invalid_input', `${timepoint} has no patient forms`);
        if (args.language !== 'sv' && args.language !== 'en') fail('invalid_input', 'language');
        if ([...this.sessions.values()].some((s) => !s.ended && s.session.participant === p.pseudonym && s.session.timepoint === timepoint))
          fail('session_open', 'an interrupted session for this participant and time point is still open');
        const forms = this.notSaved(timepoint, this.savedAt(p.pseudonym, timepoint));
        if (forms.length === 0) fail('already_submitted', `everything at ${timepoint} is already saved`);
        const session: Session = {
          sessionId: this.nextId('session'),
          participant: p.pseudonym,
          timepoint,
          language: args.language,
          forms,
        };
        this.sessions.set(session.sessionId, {
          session,
          startedBy: this.current?.id ?? '',
          startedAt: new Date(this.now()).toISOString(),
          ended: false,
          drafts: new Map(),
          submitted: new Set(),
        });
        this.patientSession = session.sessionId;
        return session;
      }
      case 'open_sessions': {
        this.requireStaff();
        return [...this.sessions.values()]
          .filter((s) => !s.ended)
          .map((s) => ({
            sessionId: s.session.sessionId,
            participant: s.session.participant,
            timepoint: s.session.timepoint,
            language: s.session.language,
            startedBy: s.startedBy,
            startedAt: s.startedAt,
          }));
      }
      case 'resume_session': {
        this.requireStaff();
        const s = this.liveSession(args.sessionId);
        this.patientSession = s.session.sessionId;
        const elsewhere = this.savedAt(s.session.participant, s.session.timepoint).filter((f) => !s.submitted.has(f));
        const session = { ...s.session, forms: this.notSaved(s.session.timepoint, elsewhere) };
        return { session, submitted: session.forms.filter((f) => s.submitted.has(f)) };
      }
      case 'save_draft': {
        const s = this.liveSession(args.sessionId);
        s.drafts.set(String(args.instrument), { ...(args.answers as Answers) });
        return null;
      }
      case 'resume_draft': {
        this.requireOpen();
        const s = this.liveSession(args.sessionId);
        if (this.patientSession !== s.session.sessionId)
          fail('session_ended', 'this session is not the one in progress on the tablet');
        return {
          answers: [...s.drafts.entries()].map(([instrument, answers]) => ({ instrument, answers })),
          sideEffects: s.sideEffectDraft ?? null,
        };
      }
      case 'save_side_effect_draft': {
        const s = this.liveSession(args.sessionId);
        if (this.patientSession !== s.session.sessionId)
          fail('session_ended', 'this session is not the one in progress on the tablet');
        const text = String(args.text ?? '');
        s.sideEffectDraft = text.trim() ? text : undefined;
        return null;
      }
      case 'submit_questionnaire': {
        const s = this.liveSession(args.sessionId);
        const instrument = String(args.instrument) as PatientInstrument;
        if (!s.session.forms.includes(instrument)) fail('invalid_input', `${instrument} is not part of this session`);
        if (this.savedAt(s.session.participant, s.session.timepoint).includes(instrument))
          fail('already_submitted', `${instrument} was already submitted for this participant at this time point`);
        const answers = (args.answers ?? {}) as Answers;
        this.validateAnswers(instrument, answers);
        const scores =
          instrument === 'face' ? scoreFace(answers) : instrument === 'fdi' ? scoreFdi(answers) : scoreSaq(answers);
        const sub = this.record({
          kind: 'questionnaire',
          participant: s.session.participant,
          timepoint: s.session.timepoint,
          instrument,
          body: { answers, scores },
        });
        s.submitted.add(instrument);
        s.drafts.delete(instrument);
        this.markDoneIfComplete(s);
        return { id: sub.id, scores };
      }
      case 'submit_side_effect': {
        const s = this.liveSession(args.sessionId);
        const text = String(args.text ?? '').normalize('NFC');
        if (!text.trim()) fail('invalid_input', 'text is empty');
        if ([...text].length > SIDE_EFFECT_MAX_CHARS)
          fail('invalid_input', `text is longer than ${SIDE_EFFECT_MAX_CHARS} characters`);
        const sub = this.record({
          kind: 'side_effect',
          participant: s.session.participant,
          timepoint: s.session.timepoint,
          body: { text },
        });
        this.sideEffects.push({
          id: sub.id,
          participant: s.session.participant,
          timepoint: s.session.timepoint,
          text,
          createdAt: new Date(this.now()).toISOString(),
        });
        s.submitted.add('side_effects');
        s.sideEffectDraft = undefined;
        this.markDoneIfComplete(s);
        return { id: sub.id };
      }
      case 'submit_no_side_effects': {
        const s = this.liveSession(args.sessionId);
        if (s.submitted.has('side_effects')) fail('invalid_input', 'side effects were already answered in this session');
        const sub = this.record({
          kind: 'no_side_effects',
          participant: s.session.participant,
          timepoint: s.session.timepoint,
          body: {},
        });
        s.submitted.add('side_effects');
        s.sideEffectDraft = undefined;
        this.markDoneIfComplete(s);
        return { id: sub.id };
      }
      case 'end_session': {
        const s = this.liveSession(args.sessionId);
        if (!this.checkSecret(String(args.passphrase ?? ''))) fail('wrong_passphrase', 'Wrong passphrase or PIN.');
        s.ended = true;
        this.patientSession = null;
        this.markDoneIfComplete(s, true);
        return null;
      }
      case 'sync_status':
        // As in the backend: the queue is staff information, hidden behind the lock.
        this.requireOpen(true);
        return this.syncSummary();
      case 'sync_now':
        this.requireStaff();
        this.syncAll();
        return this.syncSummary();
      case 'score_preview': {
        const instrument = String(args.instrument);
        const answers = (args.answers ?? {}) as Answers;
        if (instrument === 'sunnybrook') return scoreSunnybrook(answers);
        this.validateAnswers(instrument as PatientInstrument, answers);
        const scores =
          instrument === 'face' ? scoreFace(answers) : instrument === 'fdi' ? scoreFdi(answers) : scoreSaq(answers);
        return { scores, notes: {} };
      }
      case 'submit_clinician_form': {
        this.requireStaff();
        const p = this.participant(args.participant);
        if (args.instrument !== 'sunnybrook') fail('invalid_input', 'only sunnybrook is a clinician form');
        if (args.language !== 'sv' && args.language !== 'en') fail('invalid_input', 'language');
        this.requireStaffForm(String(args.timepoint), 'sunnybrook');
        const answers = { ...((args.answers ?? {}) as Answers) };
        const preview = scoreSunnybrook(answers);
        if (preview.scores.composite === null) fail('invalid_input', 'All 13 ratings are required.');
        const sub = this.record({
          kind: 'clinician_form',
          participant: p.pseudonym,
          timepoint: String(args.timepoint),
          instrument: 'sunnybrook',
          body: { answers, scores: preview.scores },
        });
        return { id: sub.id, scores: preview.scores };
      }
      case 'correct_clinician_form': {
        this.requireStaff();
        if (args.language !== 'sv' && args.language !== 'en') fail('invalid_input', 'language');
        const reason = String(args.reason ?? '').trim();
        if ([...reason].length < 3) fail('invalid_input', 'say why the record is corrected');
        const original = this.submissions.find((s) => s.id === args.supersedes);
        if (!original) fail('not_found', 'No such record.');
        if (original.kind !== 'clinician_form')
          fail('invalid_input', "only clinician forms are corrected here; patients' answers are their own");
        const answers = { ...((args.answers ?? {}) as Answers) };
        const preview = scoreSunnybrook(answers);
        if (preview.scores.composite === null) fail('invalid_input', 'All 13 ratings are required.');
        const sub = this.record({
          kind: 'clinician_form',
          participant: original.participant,
          timepoint: original.timepoint,
          instrument: 'sunnybrook',
          body: { answers, scores: preview.scores },
          supersedes: original.id,
          reason,
        });
        return { id: sub.id, scores: preview.scores };
      }
      case 'participant_history':
        this.requireStaff();
        return historyOf(this.submissions, this.participant(args.participant).pseudonym);
      case 'study_plan':
        this.requireStaff();
        return structuredClone(MOCK_PLAN);
      case 'eligibility_criteria':
        this.requireStaff();
        return MOCK_CRITERIA.map((c) => ({ ...c, label: { ...c.label } }));
      case 'record_eligibility': {
        this.requireStaff();
        const p = this.participant(args.participant);
        const timepoint = String(args.timepoint);
        this.requireStaffForm(timepoint, 'eligibility');
        const checklist = (args.checklist ?? {}) as Record<string, unknown>;
        for (const [id, v] of Object.entries(checklist)) {
          if (!MOCK_CRITERIA.some((c) => c.id === id)) fail('invalid_input', `unknown eligibility criterion "${id}"`);
          if (typeof v !== 'boolean') fail('invalid_input', `${id} must be true or false`);
        }
        const outcome = evaluateEligibility(this.submissions, p.pseudonym, timepoint, checklist as Record<string, boolean>);
        const sub = this.record({
          kind: 'eligibility',
          participant: p.pseudonym,
          timepoint,
          body: { checklist: { ...checklist }, ...outcome },
        });
        return { id: sub.id, ...outcome } satisfies EligibilityResult;
      }
      case 'pending_side_effects':
        this.requireStaff();
        return this.sideEffects
          .filter((s) => s.grade === undefined)
          .map(({ id, participant, timepoint, text, createdAt }) => ({ id, participant, timepoint, text, createdAt }));
      case 'grade_side_effect': {
        this.requireStaff();
        const se = this.sideEffects.find((s) => s.id === args.sideEffectId);
        if (!se) fail('not_found', 'No such side effect.');
        const grade = String(args.grade);
        if (!(CLAVIEN_DINDO_GRADES as readonly string[]).includes(grade))
          fail('invalid_input', `not a Clavien-Dindo grade: ${grade}`);
        if (args.d === true && (grade === 'none' || grade === 'V'))
          fail('invalid_input', 'the d flag is not allowed with none or V');
        se.grade = grade;
        se.d = args.d === true;
        const sub = this.record({
          kind: 'side_effect_grade',
          participant: se.participant,
          timepoint: se.timepoint,
          body: { sideEffect: se.id, grade, d: se.d },
        });
        return { id: sub.id };
      }
      case 'record_botox_count': {
        this.requireStaff();
        const p = this.participant(args.participant);
        this.requireStaffForm(String(args.timepoint), 'botox_count');
        const count = args.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 999)
          fail('invalid_input', 'count must be a whole number 0–999');
        const sub = this.record({
          kind: 'botox_count',
          participant: p.pseudonym,
          timepoint: String(args.timepoint),
          body: { count },
        });
        return { id: sub.id };
      }
      default: {
        const unhandled: never = cmd;
        fail('unknown_command', `The mock backend has no command ${String(unhandled)}`);
      }
    }
  }

  private validateAnswers(instrument: PatientInstrument, answers: Answers) {
    const pack = mockContentPack(instrument);
    const issues: Array<{ item: string; problem: string }> = [];
    for (const [id, v] of Object.entries(answers)) {
      const item = pack.items.find((i) => i.id === id);
      if (!item) issues.push({ item: id, problem: 'unknown item' });
      else if (v !== null && !item.options.some((o) => o.value === (v as AnswerValue)))
        issues.push({ item: id, problem: `invalid code ${String(v)}` });
    }
    if (issues.length) fail('invalid_input', 'Some answers are not valid.', issues);
  }

  /** A time point is done once its questionnaires are in (side effects are optional text). */
  private markDoneIfComplete(s: StoredSession, ending = false) {
    const questionnaires = s.session.forms.filter((f) => f !== 'side_effects');
    if (questionnaires.length === 0 && !ending) return;
    if (questionnaires.every((f) => s.submitted.has(f))) {
      this.participants.get(s.session.participant)?.done.add(s.session.timepoint);
    }
  }
}
