import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { detectEnvironment, loadConfig } from "../../src/config.ts";
import { apiJson, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, createApiKey, GOOD_PASSWORD, randomIp, registerUser, uniqueEmail } from "../helpers/auth.ts";

const bindings = env as unknown as { JWT_SECRET: string; GITHUB_API_URL: string };
/** These requests fail on purpose; their error lines are asserted elsewhere (logs.test.ts). */
const QUIET = { LOG_CHANNELS: "error=off,access=off" };
/** 31 characters: one short of the HS256 floor, so it counts as missing. */
const SHORT_SECRET = "0123456789abcdef0123456789abcde";

describe("a worker without a usable JWT_SECRET", () => {
  for (const [label, secret] of [
    ["missing", undefined],
    ["shorter than 32 characters", SHORT_SECRET],
  ] as const) {
    it(`keeps /health answering when the secret is ${label}`, async () => {
      const response = await apiWithEnv({ JWT_SECRET: secret })("/health");
      expect(response.status).toBe(200);
    });

    it(`answers a bearer token with an opaque 500 in production when the secret is ${label}`, async () => {
      const user = await registerUser();
      const broken = apiWithEnv({ ...QUIET, JWT_SECRET: secret, ENVIRONMENT: "production" });
      const response = await broken("/notes", { headers: bearer(user.tokens.access_token) });
      const problem = await expectProblem(response, 500, "internal-error");
      expect(problem.detail).not.toContain("JWT_SECRET");
      expect(JSON.stringify(problem)).not.toContain(bindings.JWT_SECRET);
    });
  }

  it("names the missing secret (never a value) outside deployed environments", async () => {
    const user = await registerUser();
    const response = await apiWithEnv({ ...QUIET, JWT_SECRET: SHORT_SECRET })("/notes", {
      headers: bearer(user.tokens.access_token),
    });
    const problem = await expectProblem(response, 500, "internal-error");
    expect(problem.detail).toContain("JWT_SECRET is missing or shorter than 32 characters");
    expect(problem.detail).not.toContain(SHORT_SECRET);
  });

  it("stores no account when registration cannot sign its token", async () => {
    const email = uniqueEmail("nosecret");
    const body = { email, password: GOOD_PASSWORD, display_name: "No Secret" };
    const headers = { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() };
    const failed = await apiWithEnv({ ...QUIET, JWT_SECRET: undefined })("/auth/register", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    await expectProblem(failed, 500, "internal-error");
    // The email is still free: the failed attempt wrote nothing.
    const retried = await apiJson("/auth/register", "POST", body, { "CF-Connecting-IP": randomIp() });
    expect(retried.status).toBe(201);
  });

  it("still accepts API keys, which need no signing key", async () => {
    const user = await registerUser();
    const { key } = await createApiKey(user, "cfg");
    const response = await apiWithEnv({ JWT_SECRET: undefined })("/me", { headers: bearer(key) });
    expect(response.status).toBe(200);
  });
});

describe("environment detection", () => {
  it.each([
    [{ ENVIRONMENT: "production" }, "production"],
    [{ ENVIRONMENT: "staging" }, "staging"],
    [{ ENVIRONMENT: "local" }, "local"],
    [{ ENVIRONMENT: "test" }, "test"],
    [{ ENVIRONMENT: "test", CI: "true" }, "ci"],
    [{ ENVIRONMENT: "local", CI: "1" }, "ci"],
    [{ ENVIRONMENT: "production", CI: "true" }, "production"],
    [{}, "local"],
    [{ ENVIRONMENT: "nonsense" }, "local"],
  ])("%j → %s", (vars, expected) => {
    expect(detectEnvironment(vars)).toBe(expected);
  });

  it("derives defaults from the environment", () => {
    const production = loadConfig({ ENVIRONMENT: "production" });
    expect(production).toMatchObject({
      exposeErrorDetail: false,
      statsAccess: "admin",
      triggerErrorAccess: "off",
    });
    const staging = loadConfig({ ENVIRONMENT: "staging" });
    expect(staging).toMatchObject({
      exposeErrorDetail: false,
      statsAccess: "public",
      triggerErrorAccess: "admin",
    });
    const local = loadConfig({ ENVIRONMENT: "local" });
    expect(local).toMatchObject({
      exposeErrorDetail: true,
      statsAccess: "public",
      triggerErrorAccess: "public",
    });
    expect(local.logger.level).toBe("info");
  });
});

describe("configuration read once, from the context", () => {
  it("memoises the configuration per bindings object (no request parses it again) and derives one key per purpose", () => {
    const config = loadConfig(env);
    expect(loadConfig(env)).toBe(config);
    const keys = config.signingKeys;
    expect(keys?.accessToken).toBe(bindings.JWT_SECRET);
    // Distinct keys: a signature made for one purpose never verifies for another.
    expect(new Set(Object.values(keys ?? {})).size).toBe(4);
    expect(config.github.apiUrl).toBe(String(bindings.GITHUB_API_URL).replace(/\/+$/, ""));
  });

  it("applies the environment's MAX_BODY_BYTES, with the request id on the 413", async () => {
    const small = apiWithEnv({ MAX_BODY_BYTES: "200" });
    const body = { email: "a@b.c", password: "x".repeat(300), display_name: "Big" };
    const tooLarge = await small("/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "body-limit-1" },
      body: JSON.stringify(body),
    });
    const problem = await expectProblem(tooLarge, 413, "payload-too-large");
    expect(problem.detail).toContain("200 bytes");
    expect(problem.request_id).toBe("body-limit-1");
    // The default app (1 MiB) takes the same body as far as validation.
    const fine = await apiJson("/auth/register", "POST", { ...body, email: "not-an-email" });
    await expectProblem(fine, 422, "validation-failed");
  });

  it("puts the request id and CORS headers on an error raised before any route runs", async () => {
    const restricted = apiWithEnv({ CORS_ORIGINS: "https://good.example", MAX_BODY_BYTES: "10" });
    const response = await restricted("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://good.example" },
      body: JSON.stringify({ email: "a@b.c", password: "long enough" }),
    });
    await expectProblem(response, 413, "payload-too-large");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://good.example");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
