// Svelte actions and focus helpers shared by screens.

import { tick } from 'svelte';

/** After a failed submit: move focus to the first field marked aria-invalid in the form. */
export async function focusFirstInvalid(form: HTMLElement | null | undefined) {
  await tick();
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/** Move keyboard and screen-reader focus to this element when it appears (use on each h1). */
export function focusOnMount(node: HTMLElement) {
  if (!node.hasAttribute('tabindex')) node.setAttribute('tabindex', '-1');
  queueMicrotask(() => node.focus({ preventScroll: false }));
}
