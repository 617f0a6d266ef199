// Labels for ids that come from the backend (time points, forms): a time point's label is the
// protocol's (study_plan) once loaded, else the built-in one, else the id itself (a study
// definition may add time points).

import { locale, t, type MessageKey } from '../i18n/index.svelte';
import { inLanguage, study } from './study.svelte';
import { tables } from '../i18n/translate';
import type { Language } from '../ipc/types';

function labelOr(key: string, fallback: string, lang?: Language): string {
  return key in tables.en ? t(key as MessageKey, {}, lang) : fallback;
}

export function timepointLabel(id: string, lang?: Language): string {
  const planned = study.plan?.timepoints.find((tp) => tp.id === id);
  if (planned) return inLanguage(planned.label, lang ?? locale.current);
  return labelOr(`tp.${id}`, id, lang);
}

export function formLabel(id: string, lang?: Language): string {
  return labelOr(`form.${id}`, id.toUpperCase(), lang);
}
