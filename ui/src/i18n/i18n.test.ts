import { describe, expect, it } from 'vitest';
import { en, sv } from './strings';
import { placeholders, translate } from './translate';
import { mockContentPack } from '../mock/packs';

// Strings that are legitimately the same in both languages (names, codes, units).
const SAME_IN_BOTH = new Set([
  'app.name', 'lang.sv', 'lang.en', 'form.face', 'form.fdi', 'form.saq', 'staff.nav.sunnybrook',
  'home.window', 'register.pseudonym', 'status.done', 'units.d', 'units.h', 'units.min', 'units.s',
  'grade.I', 'grade.II', 'grade.IIIa', 'grade.IIIb', 'grade.IVa', 'grade.IVb', 'form.sunnybrook',
]);

describe('i18n table', () => {
  it('has the same keys in Swedish and English', () => {
    expect(Object.keys(sv).sort()).toEqual(Object.keys(en).sort());
  });

  it('has no empty message in either language', () => {
    for (const table of [en, sv]) {
      for (const [key, value] of Object.entries(table)) expect(value.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(sv[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('is really translated: Swedish differs from English except for names and codes', () => {
    const untranslated = (Object.keys(en) as Array<keyof typeof en>).filter(
      (k) => sv[k] === en[k] && !SAME_IN_BOTH.has(k),
    );
    expect(untranslated).toEqual([]);
  });

  it('contains no instrument wording: items and answer labels come only from content packs', () => {
    const chrome = new Set([...Object.values(en), ...Object.values(sv)].map((s) => s.toLowerCase()));
    for (const inst of ['face', 'fdi', 'saq'] as const) {
      for (const item of mockContentPack(inst).items) {
        expect(chrome.has(item.text.toLowerCase()), item.text).toBe(false);
        for (const opt of item.options) expect(chrome.has(opt.label.toLowerCase()), opt.label).toBe(false);
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('sv', 'patient.questionOf', { n: 3, count: 15 })).toBe('Fråga 3 av 15');
    expect(translate('en', 'patient.questionOf', { n: 3 })).toBe('Question 3 of {count}');
  });
});
