// One place that turns a CommandError into text for the screen: known codes get our translated
// message, anything else the generic message with the backend's text.

import { isCommandError, toCommandError } from '../ipc/commands';
import type { Language } from '../ipc/types';
import { t, type MessageKey } from '../i18n/index.svelte';
import { tables } from '../i18n/translate';

export function errorText(err: unknown, lang?: Language): string {
  const e = isCommandError(err) ? err : toCommandError(err);
  const key = `error.${e.code}`;
  if (key in tables.en) return t(key as MessageKey, { message: e.message }, lang);
  return t('error.generic', { message: e.message }, lang);
}
