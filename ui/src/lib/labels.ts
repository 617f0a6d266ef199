// Labels for ids that come from the backend (time points, forms), with a readable fallback for
// ids this UI does not know yet (a study definition may add time points).

import { t, type MessageKey } from '../i18n/index.svelte';
import { tables } from '../i18n/translate';
import type { Language } from '../ipc/types';

function labelOr(key: string, fallback: string, lang?: Language): string {
  return key in tables.en ? t(key as MessageKey, {}, lang) : fallback;
}

export function timepointLabel(id: string, lang?: Language): string {
  return labelOr(`tp.${id}`, id, lang);
}

export function formLabel(id: string, lang?: Language): string {
  return labelOr(`form.${id}`, id.toUpperCase(), lang);
}
