import { describe, expect, it } from 'vitest';
import { formatAge, formatScore, isValidPseudonym, isValidStaffId, todayIso } from './format';
import { dAllowed } from './grading';

const units = { d: 'd', h: 'h', min: 'min', s: 's' };

describe('display formatting', () => {
  it('formats the oldest pending age in the largest useful units', () => {
    expect(formatAge(42, units)).toBe('42 s');
    expect(formatAge(125, units)).toBe('2 min');
    expect(formatAge(7200, units)).toBe('2 h 0 min');
    expect(formatAge(90_061, units)).toBe('1 d 1 h');
    expect(formatAge(-5, units)).toBe('0 s');
  });

  it('shows a missing score as a dash, never as 0', () => {
    expect(formatScore(null)).toBe('–');
    expect(formatScore(undefined)).toBe('–');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(51.6667)).toBe('51.7');
  });

  it('accepts study pseudonyms and refuses names with spaces or personal numbers with plus signs', () => {
    expect(isValidPseudonym('NT-001')).toBe(true);
    expect(isValidPseudonym('Anna Svensson')).toBe(false);
    expect(isValidPseudonym('19121212+1212')).toBe(false);
    expect(isValidPseudonym('-NT')).toBe(false);
    expect(isValidPseudonym('N')).toBe(false);
  });

  it('gives today as a local ISO date', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });

  it('allows the Clavien-Dindo d flag with I to IVb only', () => {
    expect(dAllowed('none')).toBe(false);
    expect(dAllowed('V')).toBe(false);
    expect(dAllowed('')).toBe(false);
    for (const g of ['I', 'II', 'IIIa', 'IIIb', 'IVa', 'IVb'] as const) expect(dAllowed(g)).toBe(true);
  });
});

describe('staff ids', () => {
  it('accept handles of 2 to 32 characters a-z, 0-9, dot, dash, underscore', () => {
    for (const ok of ['anna.l', 'ab', 'k_lund-2', 'a'.repeat(32)]) expect(isValidStaffId(ok), ok).toBe(true);
    for (const bad of ['a', 'Anna.L', 'anna l', 'åsa', 'a'.repeat(33), '']) expect(isValidStaffId(bad), bad).toBe(false);
  });
});
