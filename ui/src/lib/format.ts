// Display formatting of dates and durations. Numbers from the backend are shown, never computed.

import type { Language } from '../ipc/types';

/** "3 h 5 min" style age of the oldest pending item. Units come from the caller's i18n table. */
export function formatAge(
  seconds: number,
  units: { d: string; h: string; min: string; s: string },
): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} ${units.d} ${h} ${units.h}`;
  if (h > 0) return `${h} ${units.h} ${m} ${units.min}`;
  if (m > 0) return `${m} ${units.min}`;
  return `${s} ${units.s}`;
}

const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB' };

export function formatDateTime(iso: string, lang: Language): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Score for display: one decimal (instruments.md: round only for display). */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Today's date as YYYY-MM-DD in local time (the default inclusion date). */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Pseudonyms only: letters, digits and dashes, 2–32 characters (DESIGN.md §4, Identity). */
export function isValidPseudonym(p: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/.test(p);
}

/** Staff ids: 2–32 characters a–z, 0–9, '.', '-', '_', e.g. `anna.l` (the tablet keeps no names). */
export function isValidStaffId(id: string): boolean {
  return /^[a-z0-9._-]{2,32}$/.test(id);
}
