import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import * as ipc from './commands';
import type { SyncSummary } from './types';

afterEach(() => clearMocks());

function record() {
  const calls: Array<{ cmd: string; args: unknown }> = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return null;
  });
  return calls;
}

describe('typed IPC wrappers', () => {
  it('call the snake_case commands with one camelCase request object each', async () => {
    const calls = record();
    await ipc.initStore('Anna', 'secret-pass');
    await ipc.enroll('https://study.example', 'CODE');
    await ipc.addParticipant({ pseudonym: 'NT-9', inclusionDate: '2026-01-01', botoxDates: ['2025-12-01'] });
    await ipc.startSession('NT-9', 'post_6m', 'sv');
    await ipc.saveDraft('s1', 'fdi', { q1: 'other_reasons' });
    await ipc.submitQuestionnaire('s1', 'face', { q1: 5 });
    await ipc.submitSideEffect('s1', 'text');
    await ipc.endSession('s1', 'pin');
    await ipc.submitClinicianForm('NT-9', 'baseline', 'sv', { rest_eye: 0 });
    await ipc.gradeSideEffect('se1', 'IIIa', true);
    await ipc.recordBotoxCount('NT-9', 'baseline', 4);
    await ipc.correctClinicianForm('sub-1', 'sv', { rest_eye: 1 }, 'wrong side');
    await ipc.participantHistory('NT-9');
    await ipc.eligibilityCriteria();
    await ipc.recordEligibility('NT-9', 'baseline', { age_18_64: true, smoking: false });
    // One request object per command, under `request` (issue 11 point 2).
    const request = (r: unknown) => ({ request: r });
    expect(calls).toEqual([
      { cmd: 'init_store', args: request({ staffName: 'Anna', passphrase: 'secret-pass' }) },
      { cmd: 'enroll', args: request({ serverUrl: 'https://study.example', code: 'CODE' }) },
      {
        cmd: 'add_participant',
        args: request({ pseudonym: 'NT-9', inclusionDate: '2026-01-01', botoxDates: ['2025-12-01'] }),
      },
      { cmd: 'start_session', args: request({ participant: 'NT-9', timepoint: 'post_6m', language: 'sv' }) },
      { cmd: 'save_draft', args: request({ sessionId: 's1', instrument: 'fdi', answers: { q1: 'other_reasons' } }) },
      { cmd: 'submit_questionnaire', args: request({ sessionId: 's1', instrument: 'face', answers: { q1: 5 } }) },
      { cmd: 'submit_side_effect', args: request({ sessionId: 's1', text: 'text' }) },
      { cmd: 'end_session', args: request({ sessionId: 's1', passphrase: 'pin' }) },
      {
        cmd: 'submit_clinician_form',
        args: request({
          participant: 'NT-9',
          timepoint: 'baseline',
          instrument: 'sunnybrook',
          language: 'sv',
          answers: { rest_eye: 0 },
        }),
      },
      { cmd: 'grade_side_effect', args: request({ sideEffectId: 'se1', grade: 'IIIa', d: true }) },
      { cmd: 'record_botox_count', args: request({ participant: 'NT-9', timepoint: 'baseline', count: 4 }) },
      {
        cmd: 'correct_clinician_form',
        args: request({ supersedes: 'sub-1', language: 'sv', answers: { rest_eye: 1 }, reason: 'wrong side' }),
      },
      { cmd: 'participant_history', args: request({ participant: 'NT-9' }) },
      { cmd: 'eligibility_criteria', args: {} },
      {
        cmd: 'record_eligibility',
        args: request({ participant: 'NT-9', timepoint: 'baseline', checklist: { age_18_64: true, smoking: false } }),
      },
    ]);
  });

  it('omit an empty participant search query', async () => {
    const calls = record();
    await ipc.listParticipants();
    await ipc.listParticipants('NT');
    expect(calls.map((c) => c.args)).toEqual([{ request: {} }, { request: { query: 'NT' } }]);
  });

  it('reject with the CommandError the backend sent', async () => {
    mockIPC(() => {
      throw { code: 'wrong_passphrase', message: 'Wrong passphrase.', details: { tries: 1 } };
    });
    await expect(ipc.unlock('x')).rejects.toEqual({
      code: 'wrong_passphrase',
      message: 'Wrong passphrase.',
      details: { tries: 1 },
    });
  });

  it('turn a bare string rejection into a CommandError with code unknown', async () => {
    mockIPC(() => {
      throw 'command not found';
    });
    await expect(ipc.appState()).rejects.toEqual({ code: 'unknown', message: 'command not found' });
  });

  it('return the id of a side-effect grade', async () => {
    mockIPC((cmd) => (cmd === 'grade_side_effect' ? { id: 'sub-7' } : null));
    await expect(ipc.gradeSideEffect('se1', 'II', false)).resolves.toEqual({ id: 'sub-7' });
  });
});

describe('onSyncStatus', () => {
  const summary = (syncing: boolean, pending: number): SyncSummary => ({
    pending,
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

  it('delivers each sync-status payload until unsubscribed', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const seen: SyncSummary[] = [];
    const unlisten = await ipc.onSyncStatus((s) => seen.push(s));
    await emit('sync-status', summary(true, 3));
    await emit('other-event', summary(false, 9));
    await emit('sync-status', summary(false, 0));
    unlisten();
    await emit('sync-status', summary(true, 5));
    expect(seen).toEqual([summary(true, 3), summary(false, 0)]);
  });

  it('listens to the event named sync-status', async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return 1;
    });
    const cb = vi.fn();
    await ipc.onSyncStatus(cb);
    expect(calls).toEqual([
      { cmd: 'plugin:event|listen', args: expect.objectContaining({ event: 'sync-status' }) },
    ]);
  });
});

describe('the IPC boundary', () => {
  it('is crossed only by src/ipc: no other module imports invoke or listen', () => {
    const src = join(__dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts')) {
          const rel = relative(src, path);
          // The e2e build's mock installer is the one other module that talks to Tauri's API.
          if (rel.startsWith('ipc/') || rel === 'e2e-mocks.ts') continue;
          const text = readFileSync(path, 'utf8');
          if (/@tauri-apps\/api\/(core|event)|\binvoke\(|\blisten\(/.test(text)) offenders.push(rel);
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
