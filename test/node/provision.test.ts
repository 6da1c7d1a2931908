/**
 * `npm run provision`: the dry run prints every command a fresh account needs (and leaks
 * no secret), `npm run deploy`'s guard refuses an unprovisioned environment, and the id
 * written back lands in the right [env.*] section only.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import {
  jwtSecretAction,
  redactUrl,
  secretNamesIn,
  UNPARSABLE_URL,
} from "../../scripts/lib/provision-secrets.ts";
import { hyperdriveIdIn, withHyperdriveId } from "../../scripts/provision.ts";
import { UNCACHED_BINDING } from "../../src/db/cache-policy.ts";

const DATABASE_PASSWORD = "s3cret-origin-pw";
const JWT_SECRET = "provision-test-jwt-secret-0123456789";
const GITHUB_TOKEN = "ghp_provisionTestToken0123456789abcdef";
const REAL_ID = "0123456789abcdef0123456789abcdef";

let dir: string;
let config: string;

function provision(...args: string[]) {
  return provisionWith({}, ...args);
}

function provisionWith(env: Record<string, string | undefined>, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "scripts", "provision.ts"), "--config", config, ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        DATABASE_URL: `postgres://app:${DATABASE_PASSWORD}@db.example.com:5432/devhub`,
        JWT_SECRET,
        GITHUB_TOKEN,
        ...env,
      },
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("npm run provision", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "devhub-provision-"));
    config = join(dir, "wrangler.toml");
    await writeFile(config, await readFile(join(ROOT, "wrangler.toml"), "utf8"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--dry-run prints every command in order, redacts secrets, and writes nothing", async () => {
    const before = await readFile(config, "utf8");
    const { status, output } = provision("--dry-run", "--env", "production");
    expect(status, output).toBe(0);
    const commands = output.split("\n").filter((line) => line.startsWith("$ "));
    expect(commands).toEqual([
      "$ wrangler whoami",
      "$ wrangler hyperdrive list",
      "$ wrangler hyperdrive create devhub-api-production --connection-string=postgres://app:***@db.example.com:5432/devhub --caching-disabled",
      "$ wrangler secret put JWT_SECRET --env production   (value on stdin)",
      "$ wrangler secret put GITHUB_TOKEN --env production   (value on stdin)",
      "$ npm run db:migrate -- postgres://app:***@db.example.com:5432/devhub   (and statement_timeout = 5000ms on the role)",
    ]);
    expect(output).toContain("KV namespace CACHE");
    for (const secret of [DATABASE_PASSWORD, JWT_SECRET, GITHUB_TOKEN]) expect(output).not.toContain(secret);
    expect(await readFile(config, "utf8")).toBe(before);
  });

  it("--dry-run never prints a password containing raw @ signs or given as a query parameter", () => {
    const { status, output } = provisionWith(
      {
        DATABASE_URL:
          "postgres://app:p@ss@word-tail@db.example.com:5432/devhub?sslmode=require&password=qs-pw-x",
      },
      "--dry-run",
      "--env",
      "production",
    );
    expect(status, output).toBe(0);
    for (const secret of ["p@ss", "ss@word", "word-tail", "qs-pw-x", "%40"])
      expect(output).not.toContain(secret);
    expect(output).toContain(
      "--connection-string=postgres://app:***@db.example.com:5432/devhub?sslmode=require --caching-disabled",
    );
  });

  it("redactUrl blanks the userinfo password and password-like parameters, and hides what it cannot parse", () => {
    expect(redactUrl("postgres://app:p@ss@word@db:5432/x?password=a&sslpassword=b&sslmode=require")).toBe(
      "postgres://app:***@db:5432/x?sslmode=require",
    );
    expect(redactUrl("postgres://app@db/x")).toBe("postgres://app@db/x");
    expect(redactUrl("app:secret@db/x")).toBe(UNPARSABLE_URL);
    expect(redactUrl("host=db password=secret")).toBe(UNPARSABLE_URL);
  });

  it("--dry-run without JWT_SECRET lists the worker's secrets instead of replacing JWT_SECRET", () => {
    const { status, output } = provisionWith({ JWT_SECRET: undefined }, "--dry-run", "--env", "production");
    expect(status, output).toBe(0);
    expect(output).toContain("$ wrangler secret list --env production --format json");
    expect(output).toContain("would keep JWT_SECRET if that list has it");
    expect(output).not.toContain("secret put JWT_SECRET");
    const rotated = provisionWith({ JWT_SECRET: undefined }, "--dry-run", "--rotate-jwt-secret");
    expect(rotated.status, rotated.output).toBe(0);
    expect(rotated.output).not.toContain("secret list");
    expect(rotated.output).toContain("$ wrangler secret put JWT_SECRET --env production   (value on stdin)");
  });

  it("keeps an existing JWT_SECRET unless one is given or rotation is asked for", () => {
    const listed = secretNamesIn(
      JSON.stringify([
        { name: "GITHUB_TOKEN", type: "secret_text" },
        { name: "JWT_SECRET", type: "secret_text" },
      ]),
    );
    expect(jwtSecretAction({ given: false, rotate: false, existing: listed })).toBe("keep");
    expect(jwtSecretAction({ given: false, rotate: false, existing: secretNamesIn("[]") })).toBe("create");
    expect(jwtSecretAction({ given: false, rotate: false, existing: ["GITHUB_TOKEN"] })).toBe("create");
    expect(jwtSecretAction({ given: false, rotate: true, existing: listed })).toBe("rotate");
    expect(jwtSecretAction({ given: true, rotate: false, existing: listed })).toBe("set-given");
    expect(() => jwtSecretAction({ given: false, rotate: false })).toThrow(/secret list/);
    expect(() => secretNamesIn('{"name":"JWT_SECRET"}')).toThrow(/JSON array/);
  });

  it("a provisioned environment is not created again", async () => {
    await writeFile(config, withHyperdriveId(await readFile(config, "utf8"), "staging", REAL_ID));
    const { status, output } = provision("--dry-run", "--env", "staging");
    expect(status, output).toBe(0);
    expect(output).toContain(`Hyperdrive already bound in [env.staging]: ${REAL_ID}`);
    expect(output).not.toContain("hyperdrive create");
    expect(output).not.toContain("hyperdrive list");
  });

  it("the deploy guard refuses an environment without a Hyperdrive id and accepts a provisioned one", async () => {
    const refused = provision("--check", "--env", "production");
    expect(refused.status).toBe(1);
    expect(refused.output).toContain("npm run provision -- --env production");
    expect(provision("--check", "--env", "staging").status).toBe(0);
  });

  it("writes the id into the named environment only, and wrangler.toml ships no placeholder ids", async () => {
    const committed = await readFile(join(ROOT, "wrangler.toml"), "utf8");
    expect(committed).not.toMatch(/id = "0{32}"/);
    // KV ids are left out so `wrangler deploy` creates the namespace.
    expect(committed).not.toMatch(/binding = "CACHE", id =/);
    expect(hyperdriveIdIn(committed, "production")).toBeUndefined();
    const provisioned = withHyperdriveId(committed, "production", REAL_ID);
    expect(hyperdriveIdIn(provisioned, "production")).toBe(REAL_ID);
    expect(hyperdriveIdIn(provisioned, "staging")).toBeUndefined();
    expect(provisioned.replace(REAL_ID, "")).toBe(committed);
  });

  it("every environment binds exactly one Hyperdrive config, the cache policy's uncached one", () => {
    for (const environment of [undefined, "staging", "production"]) {
      const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml"), env: environment });
      const hyperdrives = config.hyperdrive.map((binding: { binding: string }) => binding.binding);
      expect({ environment, hyperdrives }).toEqual({ environment, hyperdrives: [UNCACHED_BINDING] });
    }
  });
});
