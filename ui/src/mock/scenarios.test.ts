// The scenarios of scenarios.json, run against the mock backend. The Rust App runs the same file
// (crates/tablet/src/scenarios.rs): a rule the mock imitates that drifts from Rust fails one
// of the two (issue 13).
import { describe, expect, it } from 'vitest';
import { MockBackend } from './backend';
import file from './scenarios.json';

interface Step {
  cmd: string;
  args: Record<string, unknown>;
  expect?: unknown;
  error?: string;
}

/** Every key of `want` is in `have`; numbers within 0.001; null also matches an absent key. */
function matches(want: unknown, have: unknown): boolean {
  if (want === null) return have === null || have === undefined;
  if (Array.isArray(want))
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => matches(w, have[i]));
  if (typeof want === 'object')
    return (
      typeof have === 'object' &&
      have !== null &&
      Object.entries(want as Record<string, unknown>).every(([k, v]) => matches(v, (have as Record<string, unknown>)[k]))
    );
  if (typeof want === 'number') return typeof have === 'number' && Math.abs(want - have) <= 1e-3;
  return want === have;
}

describe('the shared scenarios hold for the mock backend', () => {
  for (const scenario of file.scenarios) {
    it(scenario.name, () => {
      const backend = new MockBackend({ firstRun: true });
      (scenario.steps as Step[]).forEach((step, n) => {
        const at = `${scenario.name}, step ${n + 1} (${step.cmd})`;
        let result: unknown;
        let code: string | undefined;
        try {
          result = backend.dispatch(step.cmd, { request: step.args });
        } catch (err) {
          code = (err as { code?: string }).code ?? String(err);
        }
        if (step.error !== undefined) expect(code, at).toBe(step.error);
        else {
          expect(code, at).toBeUndefined();
          expect(matches(step.expect ?? null, result ?? null), `${at}: got ${JSON.stringify(result)}`).toBe(true);
        }
      });
    });
  }
});
