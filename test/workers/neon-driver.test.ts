/**
 * The Neon driver path (`DATABASE_DRIVER=neon`). On the Neon run the whole workers suite goes
 * through it, via the WebSocket proxy the test setup starts (scripts/lib/neon-ws-proxy.ts);
 * these tests pin what is particular to it: the client-side backstop when the hop stops
 * answering, and that the proxy setting is refused in production (the driver never dials it;
 * database requests answer 503 as when the database is unreachable, and the error log names
 * the refusal).
 */
import { describe, expect, it } from "vitest";
import { FROZEN_HOST } from "../../scripts/lib/neon-ws-proxy.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { databaseDriver, neonUrlWithHost } from "../helpers/database-driver.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";

/** The server-side budget these tests configure; the client backstop is one second more. */
const STATEMENT_BUDGET_MS = 500;
const BACKSTOP_MS = STATEMENT_BUDGET_MS + 1_000;

describe.runIf(databaseDriver === "neon")("the Neon driver through a WebSocket hop", () => {
  it("answers 503 within the budget when the hop freezes mid-session, instead of hanging", async () => {
    const user = await registerUser();
    // The proxy relays this connection's login, then stops relaying anything, both ways.
    const frozen = apiWithEnv({
      DATABASE_URL: neonUrlWithHost(FROZEN_HOST),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_BUDGET_MS),
    });
    const started = performance.now();
    const outcome = await Promise.race([
      frozen("/me", { headers: bearer(user.tokens.access_token) }),
      new Promise<"still waiting">((resolve) =>
        setTimeout(() => resolve("still waiting"), BACKSTOP_MS + 3_000),
      ),
    ]);
    const elapsed = performance.now() - started;
    expect(outcome, "the request was still waiting on the frozen hop").not.toBe("still waiting");
    const problem = await expectProblem(outcome as Response, 503, "dependency-unavailable");
    expect(problem.dependency).toBe("postgres");
    expect(elapsed).toBeGreaterThanOrEqual(BACKSTOP_MS - 100);
    expect(elapsed).toBeLessThan(BACKSTOP_MS + 1_500);
  });

  it("serves a full read-your-writes flow through the proxy", async () => {
    const user = await registerUser();
    const auth = { ...bearer(user.tokens.access_token), "Content-Type": "application/json" };
    const call = apiWithEnv({});
    const created = await call("/notes", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ title: "ws" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await call(`/notes/${id}`, { headers: auth });
    expect(((await read.json()) as { title: string }).title).toBe("ws");
  });
});

describe("NEON_WS_PROXY outside local and test runs", () => {
  it("is refused in production: no connection is made, database requests answer 503 and the log says why", async () => {
    const lines = captureLogs();
    const production = apiWithEnv({
      ENVIRONMENT: "production",
      DATABASE_DRIVER: "neon",
      DATABASE_URL: "postgres://u:p@127.0.0.1:9/db",
      NEON_WS_PROXY: "127.0.0.1:9/v2",
    });
    expect((await production("/health")).status).toBe(200);
    const user = await registerUser();
    const response = await production("/me", { headers: bearer(user.tokens.access_token) });
    await expectProblem(response, 503, "dependency-unavailable");
    const failures = logEntries(lines, "error").filter((entry) => entry.msg === "database.unavailable");
    expect(JSON.stringify(failures)).toContain("NEON_WS_PROXY is refused in production");
  });
});
