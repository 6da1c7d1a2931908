import { describe, expect, it } from "vitest";
import { Logger, parseLoggerSettings } from "../../src/lib/logger.ts";
import { REDACTED, redact } from "../../src/lib/redact.ts";
import type { TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { apiWithEnv } from "../helpers/api.ts";
import { adminTokens, bearer, GOOD_PASSWORD, uniqueEmail } from "../helpers/auth.ts";
import { unreachableDatabase } from "../helpers/database-driver.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";
import { answersFor, ownerWithPoll } from "../helpers/polls.ts";

describe("log channels", () => {
  it("every channel writes one valid JSON line per event, with no secret in any line", async () => {
    const lines = captureLogs();
    const { owner, poll } = await ownerWithPoll();
    const admin = await adminTokens();
    const call = apiWithEnv({ LOG_LEVEL: "debug" });
    const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, {
        method,
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });

    const email = uniqueEmail("logs");
    const registered = await json("POST", "/auth/register", {
      email,
      password: GOOD_PASSWORD,
      display_name: "Logs",
    });
    const tokens = (await registered.json()) as TokenResponse;
    await json("POST", "/auth/login", { email, password: "wrong-Password-77" });
    await json("POST", "/notes", { title: "audited" }, bearer(tokens.access_token));
    await json("POST", `/polls/${poll.id}/votes`, answersFor(poll), bearer(tokens.access_token));
    await call("/trigger-error", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    await call(`/github/users/ghost-${crypto.randomUUID().slice(0, 6)}/repos`);
    await json("POST", `/admin/users/${tokens.user.id}/disable`, {}, bearer(admin.access_token));
    await call("/health/ready", { headers: { Cookie: "session=super-secret-cookie" } });
    const readinessFailure = apiWithEnv({ LOG_LEVEL: "debug", ...unreachableDatabase("u:hunter2") });
    await readinessFailure("/health/ready");

    const entries = logEntries(lines);
    for (const entry of entries) {
      expect(typeof entry.ts).toBe("string");
      expect(Number.isNaN(Date.parse(entry.ts as string))).toBe(false);
      expect(["debug", "info", "warn", "error"]).toContain(entry.level);
      expect(typeof entry.msg).toBe("string");
    }
    const channels = new Set(entries.map((entry) => entry.channel));
    for (const channel of ["access", "audit", "error", "security", "system", "admin", "event"]) {
      expect(channels, channel).toContain(channel);
    }
    const access = entries.find((entry) => entry.channel === "access" && entry.route === "/notes");
    expect(access).toMatchObject({ method: "POST", status: 201, user_id: tokens.user.id });
    expect(typeof access?.duration_ms).toBe("number");
    expect(typeof access?.request_id).toBe("string");
    const all = lines.join("\n");
    for (const secret of [
      GOOD_PASSWORD,
      "wrong-Password-77",
      tokens.access_token,
      tokens.refresh_token,
      admin.access_token,
      "super-secret-cookie",
      "hunter2",
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(owner).toBeDefined();
  });

  it("honours LOG_LEVEL and per-channel LOG_CHANNELS", () => {
    const out: string[] = [];
    const log = new Logger(
      parseLoggerSettings("warn", "audit=debug,access=off,bogus=info", "info"),
      {},
      (l) => out.push(l),
    );
    log.info("security", "hidden");
    log.warn("security", "shown");
    log.debug("audit", "shown too");
    log.error("access", "muted");
    expect(out.map((line) => JSON.parse(line).msg)).toEqual(["shown", "shown too"]);
  });

  it("redacts by field name at any depth and by token shape inside text", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk";
    const out = redact({
      authorization: "Bearer abc",
      nested: { password: "p", apiKey: "k", refresh_token: "r", list: [{ cookie: "c" }] },
      note: `failed with Bearer xyz123 and ${jwt} and dh_${"a".repeat(43)}`,
      safe: "hello",
    }) as Record<string, unknown>;
    expect(out.authorization).toBe(REDACTED);
    expect(out.nested).toEqual({
      password: REDACTED,
      apiKey: REDACTED,
      refresh_token: REDACTED,
      list: [{ cookie: REDACTED }],
    });
    expect(out.note).not.toContain("xyz123");
    expect(out.note).not.toContain(jwt);
    expect(out.note).not.toContain("aaaaaaaaaaaaaaaa");
    expect(out.safe).toBe("hello");
  });
});
