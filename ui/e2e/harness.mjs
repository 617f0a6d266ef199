// E2E harness: builds the UI in e2e mode (mocked Tauri IPC), serves it with `vite preview` on a
// free loopback port, and drives Debian's Chromium through playwright-core (no browser download).

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const VITE = join(UI_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
const OUT = 'dist-e2e';
// Tests write into an ignored folder; ui/screenshots/ holds copies updated on purpose (ui/README.md).
export const SCREENSHOT_DIR = process.env.MIMIK_SCREENSHOT_DIR ?? join(UI_DIR, 'test-results', 'screenshots');
export const MOCK_PASSPHRASE = 'mimik-e2e-pass';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function buildE2E() {
  const r = spawnSync(process.execPath, [VITE, 'build', '--mode', 'e2e', '--outDir', OUT, '--logLevel', 'warn'], {
    cwd: UI_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite build --mode e2e failed with status ${r.status}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited early (${child.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not answer on ${url}`);
}

/** Start `vite preview` directly with node (not via npx, so killing this PID stops the server). */
export async function startServer() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', OUT, '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: UI_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url, child);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (empty localStorage, so the staff language starts as Swedish) with a
 * page on the app. Page errors and console errors are collected for the test to assert on.
 */
export async function openApp(browser, baseUrl, { query = '', viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  await page.goto(baseUrl + query);
  await page.waitForFunction(() => window.__E2E_MOCKED__ === true);
  return { context, page, problems };
}

/** Run axe-core on the page; return the serious and critical violations. */
export async function seriousA11yViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Controls smaller than 48 CSS px in either dimension (only visible ones). */
export async function smallTouchTargets(page) {
  return page.evaluate(() => {
    const sel = 'button, select, input:not([type=radio]):not([type=checkbox]), textarea, label.check, label.option, summary';
    return [...document.querySelectorAll(sel)]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || r.width === 0 || r.height === 0) return false;
        if (el.closest('.visually-hidden')) return false;
        return r.height < 47.5 || r.width < 47.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`);
  });
}

export const isoDaysAgo = (days) => {
  const d = new Date();
  d.setDate(d.getDate() - days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};
