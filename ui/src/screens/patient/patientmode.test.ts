// PatientMode against the mock backend (mocked Tauri IPC): sending what is already saved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { MOCK_PASSPHRASE, MockBackend } from '../../mock/backend';
import type { Session } from '../../ipc/types';
import { locale } from '../../i18n/index.svelte';
import PatientMode from './PatientMode.svelte';

let backend: MockBackend;
let component: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  locale.current = 'en';
  locale.staff = 'en';
  backend = new MockBackend({ now: () => Date.parse('2026-03-01T10:00:00Z') });
  backend.handle('unlock', { passphrase: MOCK_PASSPHRASE });
  mockIPC((cmd, args) => backend.dispatch(cmd, args));
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
  clearMocks();
});

async function settle() {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
}

function button(root: HTMLElement, text: string): HTMLButtonElement | undefined {
  return [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
}

/** Click Begin/Next (answering items with their first option) until `selector` is on screen. */
async function walkTo(target: HTMLElement, selector: string) {
  for (let guard = 0; !target.querySelector(selector); guard++) {
    expect(guard).toBeLessThan(200);
    const radio = target.querySelector<HTMLInputElement>('input[type=radio]');
    if (radio && !target.querySelector('input[type=radio]:checked')) radio.click();
    (button(target, 'Begin') ?? button(target, 'Next'))!.click();
    await settle();
  }
}

function start(participant: string, timepoint: string): Session {
  return backend.handle('start_session', { participant, timepoint, language: 'en' }) as Session;
}

function mountPatientMode(session: Session, submitted: string[], resumed = false) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  component = mount(PatientMode, {
    target,
    props: {
      active: { session, submitted: [] },
      resumed,
      onsubmitted: (form: string) => submitted.push(form),
      onended: () => {},
    },
  });
  flushSync();
  return target;
}

/** Mount patient mode, answer everything with the first option, and press send once. */
async function answerAllAndSend(session: Session) {
  const submitted: string[] = [];
  const target = mountPatientMode(session, submitted);
  await settle();
  await walkTo(target, '[data-testid=patient-review]');
  button(target, 'Send my answers')!.click();
  await settle();
  return { target, submitted };
}

describe('patient mode', () => {
  it('sends the rest when a questionnaire turns out to be saved already, and never sends it twice', async () => {
    const session = start('NT-002', 'botox_no_effect');
    // FaCE was saved, but its confirmation never reached this screen (e.g. a lock cut it off).
    backend.handle('submit_questionnaire', { sessionId: session.sessionId, instrument: 'face', answers: { q1: 3 } });

    const { target, submitted } = await answerAllAndSend(session);

    expect(target.textContent).toContain('Thank you!');
    expect(submitted).toEqual(['face', 'fdi', 'saq']);
    const kinds = backend.submissions
      .filter((s) => s.participant === 'NT-002' && s.timepoint === 'botox_no_effect')
      .map((s) => s.instrument);
    expect(kinds.sort()).toEqual(['face', 'fdi', 'saq']);
  });

  it('after a failed send shows only what is left, and sending again sends exactly that', async () => {
    const session = start('NT-002', 'botox_no_effect');
    const dispatch = backend.dispatch.bind(backend);
    let failFdi = true;
    mockIPC((cmd, args) => {
      const a = ((args ?? {}) as { request?: Record<string, unknown> }).request ?? {};
      if (cmd === 'submit_questionnaire' && a.instrument === 'fdi' && failFdi) {
        failFdi = false;
        throw { code: 'storage_full', message: 'no space left' };
      }
      return dispatch(cmd, args);
    });
    const { target, submitted } = await answerAllAndSend(session);

    expect(target.textContent).toContain('Your answers could not be saved yet');
    expect(target.textContent).toContain('Check your answers');
    expect(submitted).toEqual(['face']);
    const reviewed = target.querySelector('[data-item="face.q1"]');
    expect(reviewed).toBeNull();
    expect(target.querySelector('[data-item="fdi.q1"]')).not.toBeNull();

    button(target, 'Send my answers')!.click();
    await settle();
    expect(target.textContent).toContain('Thank you!');
    expect(submitted).toEqual(['face', 'fdi', 'saq']);
    expect(backend.submissions.filter((s) => s.instrument === 'face')).toHaveLength(1);
  });

  it('keeps the side-effect text as a draft while typing, and brings it back on resume', async () => {
    const session = start('NT-001', 'post_6m');
    let target = mountPatientMode(session, []);
    await settle();
    await walkTo(target, '#side-effects');
    const box = target.querySelector<HTMLTextAreaElement>('#side-effects')!;
    box.value = 'Stramhet i kinden';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    await new Promise((r) => setTimeout(r, 1000));
    await settle();
    expect(backend.sessions.get(session.sessionId)!.sideEffectDraft).toBe('Stramhet i kinden');

    // The lock unmounts patient mode; staff resume the session.
    unmount(component!);
    component = null;
    document.body.innerHTML = '';
    backend.handle('lock');
    backend.handle('unlock', { passphrase: MOCK_PASSPHRASE });
    backend.handle('resume_session', { sessionId: session.sessionId });
    target = mountPatientMode(session, [], true);
    await settle();
    await walkTo(target, '#side-effects');
    expect(target.querySelector<HTMLTextAreaElement>('#side-effects')!.value).toBe('Stramhet i kinden');
  });

  it('never saves a side-effect draft after the text was sent', async () => {
    const session = start('NT-001', 'post_6m');
    const target = mountPatientMode(session, []);
    await settle();
    await walkTo(target, '#side-effects');
    const box = target.querySelector<HTMLTextAreaElement>('#side-effects')!;
    box.value = 'Stramhet i kinden';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    // Sent before the typing pause is over.
    await walkTo(target, '[data-testid=patient-review]');
    button(target, 'Send my answers')!.click();
    await settle();
    expect(target.textContent).toContain('Thank you!');
    await new Promise((r) => setTimeout(r, 1000));
    await settle();
    expect(backend.sideEffects.map((e) => e.text)).toContain('Stramhet i kinden');
    expect(backend.sessions.get(session.sessionId)!.sideEffectDraft).toBeUndefined();
  });

  it('saves "no side effects since the last visit" as an answer of its own, with nothing to grade', async () => {
    const session = start('NT-001', 'post_6m');
    const target = mountPatientMode(session, []);
    await settle();
    await walkTo(target, '#side-effects');
    const none = target.querySelector<HTMLInputElement>('[data-testid=no-side-effects]')!;
    none.click();
    await settle();
    expect(target.querySelector('#side-effects')).toBeNull();
    await walkTo(target, '[data-testid=patient-review]');
    expect(target.textContent).toContain('No side effects since the last visit');
    const before = backend.sideEffects.length;
    button(target, 'Send my answers')!.click();
    await settle();
    expect(target.textContent).toContain('Thank you!');
    const saved = backend.submissions.filter((s) => s.kind === 'no_side_effects');
    expect(saved.map((s) => [s.participant, s.timepoint])).toEqual([['NT-001', 'post_6m']]);
    expect(backend.sideEffects.length).toBe(before);
  });
});

