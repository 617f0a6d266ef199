// Locks the tablet after a period without user input. The timer is restarted by `poke()` (App
// wires it to pointer, key, touch and wheel events) and can be paused on screens that must not
// lock (setup). Timers are injectable so tests run on fake time.

export interface TimerApi {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class InactivityTimer {
  private handle: unknown = null;
  private timeoutMs: number;

  constructor(
    timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly timers: TimerApi = realTimers,
  ) {
    if (!(timeoutMs > 0)) throw new Error('inactivity timeout must be positive');
    this.timeoutMs = timeoutMs;
  }

  get running(): boolean {
    return this.handle !== null;
  }

  /** (Re)start counting from now. */
  start(): void {
    this.stop();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.onIdle();
    }, this.timeoutMs);
  }

  /** User activity: restart the count, but only if the timer is running. */
  poke(): void {
    if (this.running) this.start();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Change the timeout; a running timer restarts with the new value. */
  setTimeoutMs(ms: number): void {
    if (!(ms > 0)) throw new Error('inactivity timeout must be positive');
    this.timeoutMs = ms;
    if (this.running) this.start();
  }
}

/** DOM events that count as activity. */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;
