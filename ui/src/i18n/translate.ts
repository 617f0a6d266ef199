// Pure lookup + interpolation, separate from the reactive locale so tests can use it directly.

import { en, sv, type MessageKey, type Table } from './strings';
import type { Language } from '../ipc/types';

export const tables: Record<Language, Table> = { en, sv };
export const LANGUAGES: readonly Language[] = ['sv', 'en'];

export function isLanguage(v: unknown): v is Language {
  return v === 'sv' || v === 'en';
}

/** `{name}` placeholders in a message, sorted. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export function translate(
  lang: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const message = tables[lang][key] ?? tables.en[key] ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
