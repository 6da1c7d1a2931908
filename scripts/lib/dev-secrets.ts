/**
 * The secrets `npm start` hands wrangler: an env file in the data folder (mode 600), never
 * the command line (visible in `ps`) and never vars (wrangler prints var values at start-up).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A JWT secret for local use: the environment's, or one generated once and kept in `dataDir`. */
async function localJwtSecret(dataDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const file = join(dataDir, "jwt-secret");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Writes `<dataDir>/dev-secrets.env` and returns its path. The folder is created first:
 * a fresh checkout given its own JWT_SECRET (a container, CI) has no data folder yet.
 *
 * @example await writeDevSecrets(".data", process.env, { GITHUB_API_URL: upstream.url })
 */
export async function writeDevSecrets(
  dataDir: string,
  env: Partial<Record<string, string>>,
  overrides: { GITHUB_API_URL?: string } = {},
): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const secrets: Record<string, string | undefined> = {
    JWT_SECRET: await localJwtSecret(dataDir, env.JWT_SECRET),
    GITHUB_TOKEN: env.GITHUB_TOKEN,
    // GitHub settings from the shell are honoured too (see docs/github.md).
    GITHUB_API_URL: overrides.GITHUB_API_URL ?? env.GITHUB_API_URL,
    GITHUB_CACHE_TTL_SECONDS: env.GITHUB_CACHE_TTL_SECONDS,
    GITHUB_STALE_TTL_SECONDS: env.GITHUB_STALE_TTL_SECONDS,
    GITHUB_TIMEOUT_MS: env.GITHUB_TIMEOUT_MS,
    GITHUB_MAX_PAGES: env.GITHUB_MAX_PAGES,
  };
  const file = join(dataDir, "dev-secrets.env");
  const lines = Object.entries(secrets)
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  await writeFile(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}
