import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// The e2e build swaps the Tauri IPC for an in-memory fake before anything calls a command.
// The branch is dropped from normal builds, so the mock never ships.
if (import.meta.env.MODE === 'e2e') {
  await import('./e2e-mocks');
}

function start() {
  const target = document.getElementById('app');
  if (!target) throw new Error('#app missing');
  mount(App, { target });
}

// A top-level await means DOMContentLoaded may already have fired (BUILD-NOTES §4).
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
