import { describe, expect, it } from 'vitest';
import { isPin, isStrongPassphrase } from './secrets';

describe('the secret rules the backend enforces', () => {
  it('refuses passphrases under ten characters or made only of digits and separators', () => {
    for (const weak of ['', '123456', '1234567890123', '12-34-56-78-90', '1234 5678 90', 'ninechars'])
      expect(isStrongPassphrase(weak), weak).toBe(false);
    for (const strong of ['passphrase', 'correct horse', '1234567890a', 'åäö-ÅÄÖ-xyz'])
      expect(isStrongPassphrase(strong), strong).toBe(true);
  });

  it('counts characters as Unicode scalar values, not UTF-16 units', () => {
    // Nine emoji are 18 UTF-16 units but nine characters.
    expect(isStrongPassphrase('😀'.repeat(9))).toBe(false);
    expect(isStrongPassphrase('😀'.repeat(10))).toBe(true);
  });

  it('takes six to twelve ASCII digits as a PIN', () => {
    for (const pin of ['123456', '000000', '123456789012']) expect(isPin(pin), pin).toBe(true);
    for (const notPin of ['12345', '1234567890123', '12345a', '123 456']) expect(isPin(notPin), notPin).toBe(false);
  });
});
