// Loaded only when import.meta.env.MODE === 'e2e' (see main.ts): replaces the Tauri IPC with the
// in-memory MockBackend so the UI runs in a plain browser. Never part of a normal build.
//
// Mock passphrase of the seeded staff member: `mimik-e2e-pass` (see src/mock/backend.ts).
// URL query switches: `?mock=first-run` starts with no store (setup screens);
// `?lockAfterS=N` shortens the inactivity lock (see src/lib/config.ts).
// Tests can inspect the fake store through `window.__MIMIK_MOCK__`, and trigger a background
// sync (with its `sync-status` events) with `window.__MIMIK_MOCK__.backgroundSync()`.

import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { MockBackend } from './mock/backend';

declare global {
  interface Window {
    __MIMIK_MOCK__?: MockBackend;
    __E2E_MOCKED__?: boolean;
  }
}

const params = new URLSearchParams(window.location.search);
const backend = new MockBackend({
  firstRun: params.get('mock') === 'first-run',
  // The shell emits `sync-status` from Rust; here the mock emits it through Tauri's event mock.
  emitSyncStatus: (summary) => void emit('sync-status', summary),
});

// shouldMockEvents: `listen`/`emit`/`unlisten` (the `plugin:event|…` commands) are handled by the
// mock's own event bus instead of reaching the backend's command dispatcher.
mockIPC((cmd, args) => backend.dispatch(cmd, args), { shouldMockEvents: true });

window.__MIMIK_MOCK__ = backend;
window.__E2E_MOCKED__ = true;
