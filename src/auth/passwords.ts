import { base64url, constantTimeEqual, fromBase64url, randomBytes } from "../lib/crypto.ts";

/**
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations
 * ("NotSupportedError: Pbkdf2 failed: iteration counts above 100000 are not supported",
 * workerd#1346). Open-source workerd (wrangler dev, vitest) does not enforce that limit,
 * so a higher count would pass every local test and fail every deployed login: the cap
 * is our count. Stored hashes carry their own count, so a future raise needs no migration.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000;
export const PBKDF2_ITERATIONS = PBKDF2_MAX_ITERATIONS;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

/** NFKC so the same password typed on different keyboards/OSes hashes the same (NIST 800-63B). */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(normalisePassword(password)),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** Returns `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return [SCHEME, PBKDF2_ITERATIONS, base64url(salt), base64url(hash)].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== SCHEME || !iterations || !salt || !hash) return false;
  // Mirror production's ceiling, and never let a stored value demand unbounded work.
  const count = Number(iterations);
  if (!Number.isSafeInteger(count) || count < 1 || count > PBKDF2_MAX_ITERATIONS) return false;
  const expected = fromBase64url(hash);
  const actual = await derive(password, fromBase64url(salt), count);
  return constantTimeEqual(actual, expected);
}

/**
 * Verified against when the email is unknown, so a login for a missing account costs
 * the same PBKDF2 work as one with a wrong password (no enumeration by timing).
 */
const DUMMY_HASH = `${SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}
