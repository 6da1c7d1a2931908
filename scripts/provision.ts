/**
 * `npm run provision -- [--env production|staging] [--dry-run]`: from a logged-in wrangler
 * and DATABASE_URL to a deployable worker. Creates what is missing, keeps what exists:
 *   1. the Hyperdrive config `devhub-api-<env>`, caching disabled (docs/deployment.md, "Hyperdrive cache
 *      policy"), its id written into wrangler.toml's [env.<env>] section;
 *   2. the KV namespace: nothing to do, its id is left out so `wrangler deploy` creates it;
 *   3. secrets JWT_SECRET (kept when the worker has one; set when given; generated when missing
 *      or on `--rotate-jwt-secret`) and GITHUB_TOKEN (when given);
 *   4. migrations and the role's statement budget, straight to DATABASE_URL.
 * `--dry-run` prints every command and changes nothing; `--check` only verifies that the
 * environment has its Hyperdrive id (run by `npm run deploy` first).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HYPERDRIVE_QUERY_CACHING } from "../src/db/hyperdrive-caching.ts";
import { jwtSecretAction, redactUrl, secretNamesIn } from "./lib/provision-secrets.ts";
import { statementBudgetFromEnv } from "./lib/statement-budget.ts";
import { migrateDatabase } from "./migrate.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ENVIRONMENTS = ["production", "staging"] as const;
type DeployEnvironment = (typeof ENVIRONMENTS)[number];
const HYPERDRIVE_ID = /\b[0-9a-f]{32}\b/;

export const hyperdriveName = (env: DeployEnvironment) => `devhub-api-${env}`;

function envSection(toml: string, env: DeployEnvironment): { start: number; end: number } {
  const start = toml.indexOf(`[env.${env}]`);
  if (start < 0) throw new Error(`wrangler.toml has no [env.${env}] section`);
  const next = toml.indexOf("\n[", start + 1);
  return { start, end: next < 0 ? toml.length : next };
}

/** The Hyperdrive id bound as HYPERDRIVE in [env.<env>], if provisioned. */
export function hyperdriveIdIn(toml: string, env: DeployEnvironment): string | undefined {
  const { start, end } = envSection(toml, env);
  const line = /^hyperdrive = \[\{ binding = "HYPERDRIVE", id = "([^"]*)" \}\]$/m.exec(
    toml.slice(start, end),
  );
  // An empty id is the committed "not provisioned yet" state.
  return line?.[1] || undefined;
}

/** Sets the environment's HYPERDRIVE id (adding the binding under `name =` if absent). */
export function withHyperdriveId(toml: string, env: DeployEnvironment, id: string): string {
  const { start, end } = envSection(toml, env);
  const binding = `hyperdrive = [{ binding = "HYPERDRIVE", id = "${id}" }]`;
  const section = toml.slice(start, end);
  const updated = /^hyperdrive = \[/m.test(section)
    ? section.replace(/^hyperdrive = \[.*$/m, binding)
    : section.replace(/^(name = .*)$/m, `$1\n${binding}`);
  return toml.slice(0, start) + updated + toml.slice(end);
}

const CONNECTION_STRING = "--connection-string=";

interface Step {
  args: string[];
  /** Written to wrangler's stdin (secret values); never printed. */
  input?: string;
  /** Returns "" (no output) instead of throwing when the command fails with output matching this. */
  absentWhen?: RegExp;
}

function wrangler(step: Step, dryRun: boolean): string {
  const shown = step.args.map((arg) =>
    arg.startsWith(CONNECTION_STRING)
      ? CONNECTION_STRING + redactUrl(arg.slice(CONNECTION_STRING.length))
      : arg,
  );
  console.log(`$ wrangler ${shown.join(" ")}${step.input === undefined ? "" : "   (value on stdin)"}`);
  if (dryRun) return "";
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), ...step.args],
    {
      cwd: ROOT,
      input: step.input,
      encoding: "utf8",
      stdio: [step.input === undefined ? "inherit" : "pipe", "pipe", step.absentWhen ? "pipe" : "inherit"],
    },
  );
  if (result.status !== 0 && step.absentWhen?.test(`${result.stdout}${result.stderr}`)) return "";
  if (result.status !== 0) process.stderr.write(result.stderr ?? "");
  if (result.status !== 0) throw new Error(`wrangler ${step.args[0]} failed (exit ${result.status})`);
  return result.stdout;
}

/** Puts JWT_SECRET unless the worker already has one (see jwtSecretAction for why). */
function provisionJwtSecret(env: DeployEnvironment, dryRun: boolean, rotate: boolean): void {
  const given = process.env.JWT_SECRET;
  let existing: string[] | undefined;
  if (given === undefined && !rotate) {
    const listed = wrangler(
      // A worker that does not exist yet (first provision) has no secrets (API error 10007).
      { args: ["secret", "list", "--env", env, "--format", "json"], absentWhen: /10007|does not exist/i },
      dryRun,
    );
    if (dryRun) {
      console.log("# would keep JWT_SECRET if that list has it, else `secret put` a new random one");
      return;
    }
    existing = listed.trim() === "" ? [] : secretNamesIn(listed);
  }
  const action = jwtSecretAction({ given: given !== undefined, rotate, existing });
  if (action === "keep") {
    console.log(`# JWT_SECRET already set on [env.${env}]: kept (--rotate-jwt-secret replaces it)`);
    return;
  }
  if (action === "rotate") console.log("# --rotate-jwt-secret: sessions, voter cookies and vote caps reset");
  const value = given ?? randomBytes(32).toString("base64url");
  wrangler({ args: ["secret", "put", "JWT_SECRET", "--env", env], input: value }, dryRun);
}

async function provision(
  env: DeployEnvironment,
  dryRun: boolean,
  configPath: string,
  rotateJwt: boolean,
): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is required: the origin database Hyperdrive connects to.");
  const budgetMs = statementBudgetFromEnv();
  if (dryRun) console.log("# dry run: commands are printed, nothing is created or written");

  wrangler({ args: ["whoami"] }, dryRun);

  const name = hyperdriveName(env);
  const toml = await readFile(configPath, "utf8");
  let id = hyperdriveIdIn(toml, env);
  if (id) console.log(`# Hyperdrive already bound in [env.${env}]: ${id}`);
  if (!id) {
    const listed = wrangler({ args: ["hyperdrive", "list"] }, dryRun);
    id = listed
      .split("\n")
      .find((line) => line.includes(name))
      ?.match(HYPERDRIVE_ID)?.[0];
  }
  if (!id) {
    const created = wrangler(
      {
        args: [
          "hyperdrive",
          "create",
          name,
          `--connection-string=${databaseUrl}`,
          ...(HYPERDRIVE_QUERY_CACHING === "disabled" ? ["--caching-disabled"] : []),
        ],
      },
      dryRun,
    );
    id = created.match(HYPERDRIVE_ID)?.[0];
    if (!id && !dryRun) throw new Error("wrangler hyperdrive create printed no config id");
  }
  if (dryRun) console.log(`# would write [env.${env}] hyperdrive = [{ binding = "HYPERDRIVE", id = <id> }]`);
  else if (id && hyperdriveIdIn(toml, env) !== id) {
    await writeFile(configPath, withHyperdriveId(toml, env, id));
    console.log(`# wrote Hyperdrive ${id} into ${configPath} [env.${env}] (commit it)`);
  }

  console.log("# KV namespace CACHE: no id in wrangler.toml, so `wrangler deploy` creates and links it");

  provisionJwtSecret(env, dryRun, rotateJwt);
  if (process.env.GITHUB_TOKEN) {
    wrangler(
      { args: ["secret", "put", "GITHUB_TOKEN", "--env", env], input: process.env.GITHUB_TOKEN },
      dryRun,
    );
  } else {
    console.log("# GITHUB_TOKEN not set: the GitHub dashboard runs unauthenticated (60 requests/hour)");
  }

  console.log(
    `$ npm run db:migrate -- ${redactUrl(databaseUrl)}   (and statement_timeout = ${budgetMs}ms on the role)`,
  );
  if (!dryRun) await migrateDatabase(databaseUrl, { statementTimeoutMs: budgetMs });

  console.log(`# next: npm run ${env === "production" ? "deploy" : "deploy:staging"}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      env: { type: "string", default: "production" },
      "dry-run": { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      "rotate-jwt-secret": { type: "boolean", default: false },
      config: { type: "string", default: join(ROOT, "wrangler.toml") },
    },
  });
  const env = values.env as DeployEnvironment;
  if (!ENVIRONMENTS.includes(env)) {
    console.error(`--env must be one of ${ENVIRONMENTS.join(", ")}`);
    process.exit(2);
  }
  try {
    if (values.check) {
      if (!hyperdriveIdIn(await readFile(values.config, "utf8"), env)) {
        throw new Error(
          `[env.${env}] has no Hyperdrive binding yet: run \`npm run provision -- --env ${env}\` first.`,
        );
      }
    } else {
      await provision(env, values["dry-run"], values.config, values["rotate-jwt-secret"]);
    }
  } catch (error) {
    console.error(`provision: ${(error as Error).message}`);
    process.exit(1);
  }
}
