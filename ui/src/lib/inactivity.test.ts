import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InactivityTimer } from './inactivity';
import { lockConfig, parseSeconds } from './config';

describe('inactivity timer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the timeout without activity', () => {
    const onIdle = vi.fn();
    const timer = new InactivityTimer(1000, onIdle);
    timer.start();
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(timer.running).toBe(false);
  });

  it('restarts the count on activity', () => {
    const onIdle = vi.fn();
    const timer = new InactivityTimer(1000, onIdle);
    timer.start();
    vi.advanceTimersByTime(800);
    timer.poke();
    vi.advanceTimersByTime(800);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('does not start itself on activity while stopped', () => {
    const onIdle = vi.fn();
    const timer = new InactivityTimer(1000, onIdle);
    timer.poke();
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    timer.start();
    timer.stop();
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('applies a changed timeout to the running count', () => {
    const onIdle = vi.fn();
    const timer = new InactivityTimer(10_000, onIdle);
    timer.start();
    timer.setTimeoutMs(500);
    vi.advanceTimersByTime(500);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('rejects a zero or negative timeout', () => {
    expect(() => new InactivityTimer(0, () => {})).toThrow();
    expect(() => new InactivityTimer(10, () => {}).setTimeoutMs(-1)).toThrow();
  });
});

describe('lock timeouts', () => {
  it('defaults to 2 minutes for staff and 10 minutes for patients', () => {
    expect(lockConfig({ MODE: 'production' }, '')).toEqual({ staffMs: 120_000, patientMs: 600_000 });
  });

  it('takes the timeouts from the build environment', () => {
    expect(lockConfig({ MODE: 'production', VITE_LOCK_AFTER_S: '60', VITE_PATIENT_LOCK_AFTER_S: '300' }, '')).toEqual({
      staffMs: 60_000,
      patientMs: 300_000,
    });
  });

  it('is short in e2e mode and honours the lockAfterS query there only', () => {
    expect(lockConfig({ MODE: 'e2e' }, '')).toEqual({ staffMs: 20_000, patientMs: 20_000 });
    expect(lockConfig({ MODE: 'e2e' }, '?lockAfterS=2')).toEqual({ staffMs: 2000, patientMs: 2000 });
    expect(lockConfig({ MODE: 'production' }, '?lockAfterS=2').staffMs).toBe(120_000);
  });

  it('falls back on values that are not positive numbers', () => {
    expect(parseSeconds('abc', 7)).toBe(7);
    expect(parseSeconds('-3', 7)).toBe(7);
    expect(parseSeconds('', 7)).toBe(7);
    expect(parseSeconds('1.5', 7)).toBe(1.5);
  });
});
