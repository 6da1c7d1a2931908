/**
 * Runs the *built* worker in workerd through Miniflare's API: no wrangler dev proxy, no
 * per-request console line, so what is measured (or fuzzed) is the worker itself. The
 * bindings come from wrangler.toml (unstable_getMiniflareWorkerOptions); the database,
 * GitHub upstream and secrets are whatever the caller hands in.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { roomyPolicy } from "../../src/rate-limit/policy.ts";
import { buildAssets } from "../build-assets.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BUNDLE_DIR = join(ROOT, "dist");

/**
 * `wrangler deploy --dry-run --outdir dist`: the exact bundle that would be deployed. Runs
 * that may build at once (the test runs) each pass their own `outDir`.
 */
export function buildWorker(outDir = BUNDLE_DIR): string {
  // The static assets sit beside the bundle (wrangler.toml [assets]): complete public/ first.
  buildAssets();
  // Run wrangler's entry with this Node (24), whatever `node` the PATH would pick.
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler build failed:\n${result.stdout}\n${result.stderr}`);
  return join(outDir, "index.js");
}

export interface LocalWorkerOptions {
  /** The HYPERDRIVE binding's target; without it the worker gets no HYPERDRIVE binding. */
  databaseUrl?: string;
  /** Whose bindings and [assets] to use: wrangler.toml unless a bench fixture's. */
  configPath?: string;
  githubApiUrl?: string;
  port?: number;
  /** Extra or overriding vars/secrets (e.g. JWT_SECRET, ENVIRONMENT, RATE_LIMIT_POLICY). */
  bindings?: Record<string, string>;
  scriptPath?: string;
  /** Opens workerd's V8 inspector on this port (the bench reads the isolate's heap through it). */
  inspectorPort?: number;
  /**
   * "roomy" (default): every Rate Limiting binding and service-wide bucket allows 1,000,000 a
   * minute, so a bench or a fuzz run from one address measures the worker, not the limiter.
   * "wrangler": the policy exactly as src/rate-limit/policy.ts and wrangler.toml set it (what
   * production enforces). A RATE_LIMIT_POLICY in `bindings` is applied over either.
   */
  rateLimits?: "roomy" | "wrangler";
}

const ROOMY_LIMIT = 1_000_000;

/** wrangler.toml's Rate Limiting bindings with their limits raised, and the policy told so. */
function roomyRateLimits(ratelimits: Record<string, { namespace_id: string; simple: { period?: number } }>) {
  const bindings = Object.fromEntries(
    Object.entries(ratelimits).map(([name, entry]) => [
      name,
      { ...entry, simple: { ...entry.simple, limit: ROOMY_LIMIT } },
    ]),
  );
  return { bindings, policy: roomyPolicy(ROOMY_LIMIT) };
}

export interface LocalWorker {
  url: URL;
  miniflare: Miniflare;
  stop(): Promise<void>;
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const { workerOptions: fromConfig } = unstable_getMiniflareWorkerOptions(
    options.configPath ?? join(ROOT, "wrangler.toml"),
  );
  // The bundle is one ES module already: module rules only matter when Miniflare walks
  // sources, and v5's converter refuses to carry them over.
  const { modulesRules: _rules, ...workerOptions } = fromConfig;
  const roomy =
    options.rateLimits === "wrangler"
      ? undefined
      : roomyRateLimits(
          (workerOptions as { ratelimits?: Parameters<typeof roomyRateLimits>[0] }).ratelimits ?? {},
        );
  const scriptPath = options.scriptPath ?? join(BUNDLE_DIR, "index.js");
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      ...(workerOptions as object),
      name: "devhub-api",
      modules: true,
      scriptPath,
      modulesRoot: dirname(scriptPath),
      host: "127.0.0.1",
      port: options.port ?? 0,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      ...(options.databaseUrl ? { hyperdrives: { HYPERDRIVE: options.databaseUrl } } : {}),
      ...(roomy ? { ratelimits: roomy.bindings } : {}),
      bindings: {
        ...(workerOptions.bindings ?? {}),
        ENVIRONMENT: "local",
        ...(options.githubApiUrl ? { GITHUB_API_URL: options.githubApiUrl } : {}),
        ...options.bindings,
        // Later entries win, so the caller's own figures apply over the roomy ones.
        RATE_LIMIT_POLICY: [roomy?.policy, options.bindings?.RATE_LIMIT_POLICY].filter(Boolean).join(","),
      },
      kvPersist: false,
      durableObjectsPersist: false,
      cachePersist: false,
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const url = await miniflare.ready;
  return { url, miniflare, stop: () => miniflare.dispose() };
}

/** A session as `/auth/register` answers it: what benches and fault tests act with. */
export interface RegisteredSession {
  access_token: string;
  user: { id: string };
}

/**
 * Registers a fresh account (`<label>-<uuid>@<label>.test`) on a running worker, for the
 * benches and the fault tests that drive one from Node, and returns its session.
 */
export async function registerAccount(base: URL | string, label: string): Promise<RegisteredSession> {
  const response = await fetch(new URL("/auth/register", base), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      email: `${label}-${crypto.randomUUID()}@${label}.test`,
      password: `${label}-Password-12345`,
      display_name: label,
    }),
    signal: AbortSignal.timeout(20_000),
  });
  if (response.status !== 201)
    throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as RegisteredSession;
}
