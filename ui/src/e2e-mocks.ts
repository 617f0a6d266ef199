// Loaded only when import.meta.env.MODE === 'e2e' (see main.ts): replaces the Tauri IPC with the
// in-memory MockBackend so the UI runs in a plain browser. Never part of a normal build.
//
// Mock passphrase of the seeded staff member: `mimik-e2e-pass` (see src/mock/backend.ts).
// URL query switches: `?mock=first-run` starts with no store (setup screens);
// `?lockAfterS=N` shortens the inactivity lock (see src/lib/config.ts).
// Tests can inspect the fake store through `window.__MIMIK_MOCK__`.

import { mockIPC } from '@tauri-apps/api/mocks';
import { MockBackend } from './mock/backend';

declare global {
  interface Window {
    __MIMIK_MOCK__?: MockBackend;
    __E2E_MOCKED__?: boolean;
  }
}

const params = new URLSearchParams(window.location.search);
const backend = new MockBackend({ firstRun: params.get('mock') === 'first-run' });

mockIPC((cmd, args) => backend.handle(cmd, (args ?? {}) as Record<string, unknown>));

window.__MIMIK_MOCK__ = backend;
window.__E2E_MOCKED__ = true;
