import { describe, expect, it } from "vitest";
import { Logger } from "../../src/lib/logger.ts";
import { REDACTED, redactText } from "../../src/lib/redact.ts";
import { apiWithEnv } from "../helpers/api.ts";
import { registerUser } from "../helpers/auth.ts";
import { captureLogs } from "../helpers/logs.ts";

describe("secrets in paths and free text", () => {
  it.each([
    ["an API key with an early '-'", `dh_ZQaig-Sozj${"a1_-".repeat(8)}`],
    ["an API key that is all '-' and '_' after the prefix", `dh_-_${"-".repeat(20)}`],
    ["a refresh token", `dhr_${"Zx9-".repeat(10)}`],
  ])("redacts %s", (_label, secret) => {
    const text = redactText(`GET /notes/${secret} failed`);
    expect(text).toBe(`GET /notes/${REDACTED} failed`);
  });

  it("the access log of GET /notes/dh_… never carries the key", async () => {
    const lines = captureLogs();
    const key = `dh_ZQaig-Sozj${"Q".repeat(38)}`;
    await apiWithEnv({ LOG_LEVEL: "info" })(`/notes/${key}`);
    const access = lines.filter((line) => line.includes('"channel":"access"'));
    expect(access.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain("Sozj");
  });
});

describe("client address in logs", () => {
  it("a 20,000-character CF-Connecting-IP is logged as 'invalid', not as 20 KB", async () => {
    const user = await registerUser();
    const lines = captureLogs();
    await apiWithEnv({ LOG_LEVEL: "warn" })("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "9".repeat(20_000) },
      body: JSON.stringify({ email: user.email, password: "wrong-Password-123" }),
    });
    const failed = lines.find((line) => line.includes("login.failed"));
    expect(failed).toBeDefined();
    expect(JSON.parse(failed as string).ip).toBe("invalid");
    for (const line of lines) expect(line.length).toBeLessThan(4096);
  });

  it("U+2028 and U+2029 never reach a log line raw, and the line still parses back", () => {
    const lines: string[] = [];
    const log = new Logger({ level: "info", channelLevels: {} }, {}, (line) => lines.push(line));
    log.warn("security", "login.failed", { ip: "1.2.3.4\u2028forged\u2029line" });
    expect(lines[0]).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(lines[0] as string).ip).toBe("1.2.3.4\u2028forged\u2029line");
  });
});
