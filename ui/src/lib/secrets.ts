// The rules of crates/device/src/keys/rules.rs, for the forms' own hints: a passphrase opens the
// store from its files, so it is at least 10 characters and not only digits (with separators); a
// PIN is 6–12 digits and only unlocks a running tablet. The backend enforces both; these only
// say so before the round trip.

export const MIN_PASSPHRASE_CHARS = 10;

/** Whether `secret` may become a passphrase (counted in Unicode scalar values, as in Rust). */
export function isStrongPassphrase(secret: string): boolean {
  const chars = [...secret];
  return chars.length >= MIN_PASSPHRASE_CHARS && chars.some((c) => !/^[0-9\s\-._]$/u.test(c));
}

/** Whether `secret` has the shape of a quick-unlock PIN. */
export function isPin(secret: string): boolean {
  return /^[0-9]{6,12}$/.test(secret);
}
