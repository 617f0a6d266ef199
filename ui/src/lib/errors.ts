// One place that turns a CommandError into text for the screen: known codes get our translated
// message, anything else the generic message with the backend's text. Scalar `details` fields
// (e.g. `locked_out`'s `retryAfterS`) fill the translated message's placeholders.

import { isCommandError, toCommandError } from '../ipc/commands';
import type { ErrorCode, Language } from '../ipc/types';
import { t, type MessageKey } from '../i18n/index.svelte';
import { placeholders, tables } from '../i18n/translate';

function scalarDetails(details: unknown): Record<string, string | number> {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return {};
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === 'number') out[k] = Math.ceil(v);
    else if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Every code of the Rust catalogue has a message: a code without one fails to compile here. */
type ErrorKey = `error.${ErrorCode}`;
const everyCodeHasAMessage: ErrorKey extends MessageKey ? true : never = true;
void everyCodeHasAMessage;

export function errorText(err: unknown, lang?: Language): string {
  const e = isCommandError(err) ? err : toCommandError(err);
  const key = `error.${e.code}`;
  if (key in tables.en) {
    const params = { ...scalarDetails(e.details), message: e.message };
    // A translated message whose details are missing would show a raw `{placeholder}`.
    if (placeholders(tables.en[key as MessageKey]).every((p) => p in params))
      return t(key as MessageKey, params, lang);
  }
  return t('error.generic', { message: e.message }, lang);
}
