import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import * as ipc from './commands';

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
  it('call the snake_case commands with camelCase argument objects', async () => {
    const calls = record();
    await ipc.initStore('Anna', 'secret-pass');
    await ipc.enroll('https://study.example', 'CODE');
    await ipc.addParticipant({ pseudonym: 'NT-9', inclusionDate: '2026-01-01', botoxDates: ['2025-12-01'] });
    await ipc.startSession('NT-9', 'post_6m', 'sv');
    await ipc.saveDraft('s1', 'fdi', { q1: 'other_reasons' });
    await ipc.submitQuestionnaire('s1', 'face', { q1: 5 });
    await ipc.submitSideEffect('s1', 'text');
    await ipc.endSession('s1', 'pin');
    await ipc.submitClinicianForm('NT-9', 'baseline', { rest_eye: 0 });
    await ipc.gradeSideEffect('se1', 'IIIa', true);
    await ipc.recordBotoxCount('NT-9', 'baseline', 4);
    expect(calls).toEqual([
      { cmd: 'init_store', args: { staffName: 'Anna', passphrase: 'secret-pass' } },
      { cmd: 'enroll', args: { serverUrl: 'https://study.example', code: 'CODE' } },
      {
        cmd: 'add_participant',
        args: { pseudonym: 'NT-9', inclusionDate: '2026-01-01', botoxDates: ['2025-12-01'] },
      },
      { cmd: 'start_session', args: { participant: 'NT-9', timepoint: 'post_6m', language: 'sv' } },
      { cmd: 'save_draft', args: { sessionId: 's1', instrument: 'fdi', answers: { q1: 'other_reasons' } } },
      { cmd: 'submit_questionnaire', args: { sessionId: 's1', instrument: 'face', answers: { q1: 5 } } },
      { cmd: 'submit_side_effect', args: { sessionId: 's1', text: 'text' } },
      { cmd: 'end_session', args: { sessionId: 's1', passphrase: 'pin' } },
      {
        cmd: 'submit_clinician_form',
        args: { participant: 'NT-9', timepoint: 'baseline', instrument: 'sunnybrook', answers: { rest_eye: 0 } },
      },
      { cmd: 'grade_side_effect', args: { sideEffectId: 'se1', grade: 'IIIa', d: true } },
      { cmd: 'record_botox_count', args: { participant: 'NT-9', timepoint: 'baseline', count: 4 } },
    ]);
  });

  it('omit an empty participant search query', async () => {
    const calls = record();
    await ipc.listParticipants();
    await ipc.listParticipants('NT');
    expect(calls.map((c) => c.args)).toEqual([{}, { query: 'NT' }]);
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

  it('are the only code that imports invoke', () => {
    const src = join(__dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts')) {
          const rel = relative(src, path);
          if (rel.startsWith('ipc/')) continue;
          if (/@tauri-apps\/api\/core|\binvoke\(/.test(readFileSync(path, 'utf8'))) offenders.push(rel);
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
