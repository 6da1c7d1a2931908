import { COMMON_PASSWORDS_TEXT } from "./common-passwords.ts";
import { normalisePassword } from "./passwords.ts";

/**
 * What a new password must be, after NIST SP 800-63B (§3.1.1.2): long enough, any printable
 * character (spaces and every script welcome, compared in NFKC), and not a value an attacker
 * tries first — a common password, a run like `abcdefgh`, or the account's own address. No
 * composition rules (a digit, a capital…): they make passwords harder to remember, not to guess.
 */

/** In code points of the NFKC form, not counting whitespace (so eight spaces and a letter is one). */
export const PASSWORD_MIN_LENGTH = 8;
/** In code points as sent; the document's `maxLength`. */
export const PASSWORD_MAX_LENGTH = 128;
/** Fewer different characters than this is a pattern (`abababab`), not a secret. */
const MIN_DISTINCT_CHARACTERS = 5;
/** A run is characters each within one code point of the last (`aaaa`, `abcd`, `4321`). */
const MIN_RUNS = 3;
/** NIST's "context-specific words": the service's own name. */
const SERVICE_NAMES = ["devhub"];

/** Control characters (NUL…), lone surrogates and unassigned code points: nothing a person types. */
const UNTYPEABLE = /[\p{Cc}\p{Cs}\p{Cn}]/u;

/** Built on the first password check (registration, a password change), not at startup. */
let commonPasswordSet: ReadonlySet<string> | undefined;
function commonPasswords(): ReadonlySet<string> {
  commonPasswordSet ??= new Set(COMMON_PASSWORDS_TEXT.split("\n"));
  return commonPasswordSet;
}

/** How many runs of repeated or consecutive characters the text is made of. */
function runCount(codePoints: number[]): number {
  let runs = codePoints.length > 0 ? 1 : 0;
  for (let i = 1; i < codePoints.length; i += 1) {
    if (Math.abs((codePoints[i] as number) - (codePoints[i - 1] as number)) > 1) runs += 1;
  }
  return runs;
}

/**
 * Why a chosen password is refused, or undefined when it is acceptable. Checked on the form
 * that is hashed (NFKC), lower-cased where case does not make a guess harder.
 *
 * @example passwordPolicyViolation("abcdefgh") // "Must not be a run of repeated or …"
 */
export function passwordPolicyViolation(password: string): string | undefined {
  if (UNTYPEABLE.test(password)) return "Must not contain control characters.";
  const normalised = normalisePassword(password);
  const compact = normalised.replace(/\s/gu, "").toLowerCase();
  const codePoints = [...compact].map((character) => character.codePointAt(0) as number);
  if (codePoints.length < PASSWORD_MIN_LENGTH) {
    return `Must be at least ${PASSWORD_MIN_LENGTH} characters, not counting spaces.`;
  }
  if (new Set(codePoints).size < MIN_DISTINCT_CHARACTERS) {
    return `Must use at least ${MIN_DISTINCT_CHARACTERS} different characters.`;
  }
  if (runCount(codePoints) < MIN_RUNS) {
    return "Must not be a run of repeated or consecutive characters (such as abcdefgh or 1234abcd).";
  }
  const lower = normalised.toLowerCase();
  if (commonPasswords().has(lower) || commonPasswords().has(compact)) {
    return "Is among the most common passwords; choose another.";
  }
  if (SERVICE_NAMES.some((name) => compact.includes(name))) {
    return "Must not contain the service's name.";
  }
  return undefined;
}

/**
 * Whether the password gives away the account's address: it contains the address, or its
 * local part (a local part under three characters only when it is the whole password).
 *
 * @example passwordMentionsEmail("ada.lovelace!1815", "ada.lovelace@example.com") // true
 */
export function passwordMentionsEmail(password: string, email: string): boolean {
  const compact = normalisePassword(password).replace(/\s/gu, "").toLowerCase();
  const localPart = email.slice(0, email.lastIndexOf("@"));
  if (compact.includes(email)) return true;
  return localPart.length >= 3 ? compact.includes(localPart) : compact === localPart;
}
