// The reactive UI language. `locale.staff` is the staff's choice (kept in localStorage);
// `locale.current` is what the screen shows: the staff language, or the patient's language
// chosen per session while a patient session is on screen.

import type { Language } from '../ipc/types';
import type { MessageKey } from './strings';
import { isLanguage, translate } from './translate';

export type { MessageKey } from './strings';

const STORAGE_KEY = 'mimik.staffLanguage';

function storedStaffLanguage(): Language {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : 'sv';
  } catch {
    return 'sv';
  }
}

export const locale = $state<{ staff: Language; current: Language }>({
  staff: storedStaffLanguage(),
  current: storedStaffLanguage(),
});

export function setStaffLanguage(lang: Language): void {
  locale.staff = lang;
  locale.current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage unavailable: the choice lasts for this run only */
  }
}

/** Translate in the current screen language, or in `lang` when given (e.g. staff dialogs in patient mode). */
export function t(key: MessageKey, params?: Record<string, string | number>, lang?: Language): string {
  return translate(lang ?? locale.current, key, params);
}
