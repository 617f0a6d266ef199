// Component tests of the staff screens that talk to the backend, against the mock backend
// installed with mockIPC (events mocked too, as in the e2e build).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount, type Component } from 'svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { MOCK_PASSPHRASE, MockBackend } from '../../mock/backend';
import type { HistoryEntry, SyncSummary } from '../../ipc/types';
import { locale } from '../../i18n/index.svelte';
import { errorText } from '../../lib/errors';
import Sunnybrook from './Sunnybrook.svelte';
import Eligibility from './Eligibility.svelte';
import SyncCard from '../../components/SyncCard.svelte';
import Home from './Home.svelte';
import type { ActiveSession } from '../../lib/machine';

let backend: MockBackend;
let component: ReturnType<typeof mount> | null = null;
let calls: string[] = [];

beforeEach(() => {
  locale.current = 'en';
  locale.staff = 'en';
  backend = new MockBackend({ now: () => Date.parse('2026-03-01T10:00:00Z') });
  backend.handle('unlock', { passphrase: MOCK_PASSPHRASE });
  calls = [];
  mockIPC(
    (cmd, args) => {
      calls.push(cmd);
      return backend.dispatch(cmd, args);
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
  clearMocks();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render<P extends Record<string, any>>(C: Component<P>, props: P) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  component = mount(C, { target, props });
  flushSync();
  return target;
}

/** Let the mocked IPC promises and Svelte's updates settle. */
async function settle() {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
}

function baselineSunnybrook(): HistoryEntry {
  const history = backend.handle('participant_history', { participant: 'NT-001' }) as HistoryEntry[];
  return history.find((e) => e.kind === 'clinician_form')!;
}

describe('Sunnybrook correction', () => {
  it('is prefilled with the saved answers and is not saved without a reason', async () => {
    const entry = baselineSunnybrook();
    const oncorrected = vi.fn();
    const el = render(Sunnybrook, { correcting: { participant: 'NT-001', entry }, oncorrected, oncancel: () => {} });
    await settle();
    expect(el.querySelector('h1')?.textContent).toBe('Correct a Sunnybrook grading');
    const checked = el.querySelector<HTMLInputElement>('[data-item=rest_eye] input:checked');
    expect(checked?.closest('label')?.textContent?.trim()).toMatch(/^1 /);
    expect(el.querySelector('[data-score=composite]')?.textContent).toBe('39');

    el.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await settle();
    expect(el.textContent).toContain('Say why the grading is corrected');
    expect(el.querySelector('#sb-reason')?.getAttribute('aria-invalid')).toBe('true');
    expect(calls).not.toContain('correct_clinician_form');
    expect(oncorrected).not.toHaveBeenCalled();

    const reason = el.querySelector<HTMLTextAreaElement>('#sb-reason')!;
    reason.value = 'Eye rated on the wrong side';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
    el.querySelector<HTMLInputElement>('[data-item=rest_eye] input[type=radio]')!.click(); // rating 0
    await settle();
    el.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await settle();
    expect(calls).toContain('correct_clinician_form');
    expect(oncorrected).toHaveBeenCalledOnce();
    const correction = backend.submissions.at(-1)!;
    expect(correction).toMatchObject({ supersedes: entry.id, reason: 'Eye rated on the wrong side' });
    expect(correction.body.answers?.rest_eye).toBe(0);
  });
});

describe('eligibility checklist', () => {
  function answerAll(el: HTMLElement, overrides: Record<string, boolean> = {}) {
    for (const fs of el.querySelectorAll<HTMLFieldSetElement>('fieldset[data-criterion]')) {
      const id = fs.dataset.criterion!;
      const inclusion = !!fs.closest('section')?.querySelector('#elig-inclusion');
      const holds = overrides[id] ?? inclusion;
      const [yes, no] = fs.querySelectorAll<HTMLInputElement>('input[type=radio]');
      (holds ? yes : no).click();
    }
  }

  it('labels every criterion as a group with Yes and No', async () => {
    const el = render(Eligibility, { initialParticipant: 'NT-001' });
    await settle();
    const sets = el.querySelectorAll('fieldset[data-criterion]');
    expect(sets.length).toBe(13);
    expect(sets[0].querySelector('legend')?.textContent).toBe('Aged 18 to 64 years');
    expect([...sets[0].querySelectorAll('label')].map((l) => l.textContent?.trim())).toEqual(['Yes', 'No']);
  });

  it('words the criteria in Swedish for Swedish-speaking staff, as the protocol gives them', async () => {
    locale.current = 'sv';
    locale.staff = 'sv';
    const el = render(Eligibility, { initialParticipant: 'NT-001' });
    await settle();
    const legends = [...el.querySelectorAll('fieldset[data-criterion] legend')].map((l) => l.textContent);
    expect(legends).toContain('Har fått minst 3 botoxinjektioner');
    expect(legends).toContain('Kontrakturer i ansiktsmuskulaturen');
  });

  it('shows eligible, not eligible with the unmet criteria, and undecided needing a Sunnybrook', async () => {
    const el = render(Eligibility, { initialParticipant: 'NT-001' });
    await settle();
    const save = async () => {
      el.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
      await settle();
      return el.querySelector<HTMLElement>('[data-testid=eligibility-result]')!;
    };

    answerAll(el);
    let result = await save();
    expect(result.dataset.status).toBe('eligible');

    answerAll(el, { smoking: true });
    result = await save();
    expect(result.dataset.status).toBe('not_eligible');
    expect(result.querySelector('[data-testid=eligibility-unmet]')?.textContent?.trim()).toBe('Smoking');

    // NT-002 has no Sunnybrook at baseline.
    const select = el.querySelector<HTMLSelectElement>('#elig-participant')!;
    select.value = 'NT-002';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    answerAll(el);
    result = await save();
    expect(result.dataset.status).toBe('undecided');
    expect(result.textContent).toContain('A Sunnybrook grading at this time point is needed');
  });
});

describe('sync card', () => {
  it('follows sync-status events while mounted and stops listening when unmounted', async () => {
    const el = render(SyncCard, { enrolled: true, onenrolled: () => {} });
    await settle();
    const pending = () => el.querySelector('[data-testid=sync-pending]')?.textContent;
    expect(pending()).toBe('2');
    const summary = (syncing: boolean, n: number): SyncSummary => ({
      pending: n,
      acknowledged: 0,
      quarantined: 0,
      oldestPendingAgeS: null,
      lastError: null,
      lastSyncAt: null,
      syncing,
      revoked: false,
      bundleVersion: 1,
      bundleRefused: null,
    });

    await emit('sync-status', summary(true, 5));
    await settle();
    expect(pending()).toBe('5');
    expect(el.querySelector('[data-testid=sync-syncing]')?.textContent).toBe('A sync is running…');
    expect(el.querySelector('button')?.disabled).toBe(true);

    await emit('sync-status', summary(false, 0));
    await settle();
    expect(pending()).toBe('0');
    expect(el.querySelector('[data-testid=sync-syncing]')).toBeNull();
    expect(el.querySelector('button')?.textContent?.trim()).toBe('Sync now');
    expect(el.querySelector('[data-testid=sync-bundle-version]')?.textContent).toBe('1');
    expect(el.querySelector('[data-testid=sync-bundle-refused]')).toBeNull();

    await emit('sync-status', { ...summary(false, 0), bundleRefused: 'the signature does not verify' });
    await settle();
    const refused = el.querySelector('[data-testid=sync-bundle-refused]');
    expect(refused?.getAttribute('role')).toBe('alert');
    expect(refused?.textContent).toContain('keeps the version it has');
    expect(refused?.textContent).toContain('the signature does not verify');

    const events = (window as unknown as { __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener: () => void } })
      .__TAURI_EVENT_PLUGIN_INTERNALS__;
    const unregister = vi.spyOn(events, 'unregisterListener');
    unmount(component!);
    component = null;
    await settle();
    expect(unregister).toHaveBeenCalledWith('sync-status', expect.anything());
    expect(calls.filter((c) => c.startsWith('plugin:event'))).toEqual([]); // the event mock handled them
  });
});

describe('a revoked tablet', () => {
  it('says so in the staff language instead of the raw error, and enrolls again from the card', async () => {
    backend.revoked = true;
    backend.handle('sync_now');
    const onenrolled = vi.fn();
    const el = render(SyncCard, { enrolled: true, onenrolled });
    await settle();
    expect(el.querySelector('[data-testid=sync-revoked]')?.textContent).toContain(
      'Nothing waiting to sync is lost',
    );
    expect(el.querySelector('[data-testid=sync-last-error]')).toBeNull();
    expect(el.querySelector('[data-testid=sync-now]')).toBeNull();

    const set = (id: string, value: string) => {
      const input = el.querySelector<HTMLInputElement>(`#${id}`)!;
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    set('home-reenroll-url', 'https://mimik.example.org');
    set('home-reenroll-code', 'ENROLL-1234');
    el.querySelector<HTMLFormElement>('#home-reenroll-url')!.closest('form')!.requestSubmit();
    await settle();
    // Issue 11 point 9: enrolling is confirmed (server and device id) before the card moves on.
    expect(onenrolled).not.toHaveBeenCalled();
    expect(el.querySelector('[data-testid=home-reenroll-done]')?.textContent).toContain('mimik.example.org');
    el.querySelector<HTMLButtonElement>('[data-testid=home-reenroll-continue]')!.click();
    await settle();
    expect(onenrolled).toHaveBeenCalledOnce();
    expect(el.querySelector('[data-testid=sync-revoked]')).toBeNull();
    expect(el.querySelector('[data-testid=sync-now]')).not.toBeNull();
  });
});

describe('enrolling from the sync card', () => {
  it('starts with an empty address, so a local http:// server needs nothing deleted first', async () => {
    const el = render(SyncCard, { enrolled: false, onenrolled: () => {} });
    await settle();
    const url = el.querySelector<HTMLInputElement>('#home-enroll-url')!;
    expect(url.value).toBe('');
    expect(url.placeholder).toMatch(/^https:\/\//);
  });

  it('shows the server and the device id before moving on, and moves on only when asked', async () => {
    backend.enrolled = false;
    const onenrolled = vi.fn();
    const el = render(SyncCard, { enrolled: false, onenrolled });
    await settle();
    const set = (id: string, value: string) => {
      const input = el.querySelector<HTMLInputElement>(`#${id}`)!;
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    set('home-enroll-url', 'http://127.0.0.1:8443');
    set('home-enroll-code', 'ENROLL-1234');
    el.querySelector<HTMLFormElement>('#home-enroll-url')!.closest('form')!.requestSubmit();
    await settle();
    const done = el.querySelector('[data-testid=home-enroll-done] [role=status]');
    expect(done?.textContent).toMatch(/Enrolled with http:\/\/127\.0\.0\.1:8443\. This tablet is device \S+\./);
    expect(onenrolled).not.toHaveBeenCalled();
    el.querySelector<HTMLButtonElement>('[data-testid=home-enroll-continue]')!.click();
    await settle();
    expect(onenrolled).toHaveBeenCalledOnce();
  });
});

describe('error messages', () => {
  it('fill the wait of locked_out from its details, and fall back when details are missing', () => {
    expect(errorText({ code: 'locked_out', message: 'too many', details: { retryAfterS: 29.2 } }, 'en')).toBe(
      'Too many wrong attempts. Wait 30 seconds, then try again.',
    );
    expect(errorText({ code: 'locked_out', message: 'too many' }, 'en')).toBe('Something went wrong: too many');
    expect(errorText({ code: 'storage_full', message: 'disk' }, 'sv')).toMatch(/lagring är full/);
  });
});

describe('unfinished patient sessions on the home screen', () => {
  function interrupted(): string {
    const s = backend.handle('start_session', {
      participant: 'NT-002',
      timepoint: 'botox_no_effect',
      language: 'sv',
    }) as { sessionId: string };
    backend.handle('submit_questionnaire', {
      sessionId: s.sessionId,
      instrument: 'face',
      answers: { q1: 3 },
    });
    backend.handle('lock');
    backend.handle('unlock', { passphrase: MOCK_PASSPHRASE });
    return s.sessionId;
  }

  function homeProps(onresumed: (a: ActiveSession) => void) {
    return { enrolled: true, onstart: () => {}, onhistory: () => {}, onresumed, onenrolled: () => {} };
  }

  it('lists a session left open by a lock and resumes it with what was already sent', async () => {
    const id = interrupted();
    const resumed = vi.fn();
    const target = render(Home, homeProps(resumed));
    await settle();
    expect(target.textContent).toContain('A patient session was not finished: NT-002');
    const button = target.querySelector<HTMLButtonElement>('[data-testid=unfinished-NT-002] button.primary')!;
    expect(button.getAttribute('aria-label')).toMatch(/^Resume the session of NT-002/);
    button.click();
    await settle();
    expect(resumed).toHaveBeenCalledTimes(1);
    const active = resumed.mock.calls[0][0] as ActiveSession;
    expect(active.session.sessionId).toBe(id);
    expect(active.session.language).toBe('sv');
    expect(active.submitted).toEqual(['face']);
    expect(backend.patientSession).toBe(id);
  });

  it('ends an unfinished session only with a staff PIN and then no longer lists it', async () => {
    const id = interrupted();
    const target = render(Home, homeProps(() => {}));
    await settle();
    target.querySelector<HTMLButtonElement>('[data-testid=unfinished-NT-002] button:not(.primary)')!.click();
    await settle();
    const input = target.querySelector<HTMLInputElement>('#leave-pass')!;
    const form = input.closest('form')!;
    input.value = '0000';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    form.requestSubmit();
    await settle();
    expect(target.querySelector('#leave-err')).not.toBeNull();
    expect(backend.sessions.get(id)!.ended).toBe(false);

    input.value = MOCK_PASSPHRASE;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    form.requestSubmit();
    await settle();
    expect(backend.sessions.get(id)!.ended).toBe(true);
    expect(target.querySelector('[data-testid=unfinished-NT-002]')).toBeNull();
  });
});

describe('participant dates on the home screen', () => {
  it('records a Botox injection given today, moving the schedule, and says so', async () => {
    const target = render(Home, {
      enrolled: true,
      onstart: () => {},
      onhistory: () => {},
      onresumed: () => {},
      onenrolled: () => {},
    });
    await settle();
    const schedule = () => target.querySelector('[data-testid=participant-NT-002] [data-timepoint=botox_max_effect]')!.textContent;
    const before = schedule();
    const open = target.querySelector<HTMLButtonElement>('[data-testid=dates-open-NT-002]')!;
    expect(open.getAttribute('aria-label')).toBe('Change the dates of NT-002');
    open.click();
    await settle();
    const form = target.querySelector<HTMLFormElement>('[data-testid=dates-NT-002]')!;
    expect(open.getAttribute('aria-expanded')).toBe('true');

    // Nothing changed: said, nothing sent.
    form.requestSubmit();
    await settle();
    expect(form.textContent).toContain('Nothing has changed.');
    expect(calls).not.toContain('update_participant_dates');

    const botox = form.querySelector<HTMLInputElement>('#dates-NT-002-botox')!;
    botox.value = '2026-02-20';
    botox.dispatchEvent(new Event('input', { bubbles: true }));
    form.requestSubmit();
    await settle();
    expect(calls).toContain('update_participant_dates');
    expect(backend.participants.get('NT-002')!.botoxDates).toContain('2026-02-20');
    expect(target.querySelector('[data-testid=dates-NT-002]')).toBeNull();
    expect(target.textContent).toContain('Dates of NT-002 saved; the schedule is updated.');
    expect(schedule()).not.toBe(before);
    expect(schedule()).toContain('2026-03-06'); // 2 weeks after the new injection
  });
});

