/**
 * The one spelling of an email address, used wherever an address is stored or compared
 * (registration, login, `npm run admin:promote`).
 *
 * Addresses are printable ASCII. A non-ASCII look-alike is refused rather than folded:
 * Unicode normalisation maps the Kelvin sign (U+212A) to the letter K, so folding would let
 * `\u212Aate@example.com` reach the account of `kate@example.com` — two different typed
 * addresses, one account. Refusing keeps "one typed address, one account" without a
 * confusables table. Case is folded (mailboxes are case-insensitive in practice) and the
 * surrounding whitespace a form or a paste adds is trimmed.
 */

/** Printable ASCII without the space: what an address may hold once trimmed. */
const ASCII_ADDRESS = /^[\x21-\x7e]*$/;

export const NON_ASCII_EMAIL_MESSAGE =
  "Must be an ASCII email address (look-alike letters such as the Kelvin sign are refused).";

/** Whether the address (already trimmed) uses only printable ASCII. */
export function isAsciiEmail(trimmed: string): boolean {
  return ASCII_ADDRESS.test(trimmed);
}

/**
 * The stored, compared form: trimmed and lower-cased. Only meaningful for an address that
 * passed `isAsciiEmail` (lower-casing ASCII stays ASCII).
 *
 * @example canonicalEmail("  Ada@Example.COM ") // "ada@example.com"
 */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}
