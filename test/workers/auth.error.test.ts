import { describe, expect, it } from "vitest";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { GOOD_PASSWORD, login, randomIp, registerUser, uniqueEmail } from "../helpers/auth.ts";

const register = (body: unknown, headers: Record<string, string> = {}) =>
  apiJson("/auth/register", "POST", body, { "CF-Connecting-IP": randomIp(), ...headers });

/** Proves a rejected registration wrote nothing: the same email still registers fine. */
async function expectNoAccount(email: string) {
  expect((await login(email, GOOD_PASSWORD)).status).toBe(401);
}

describe("validation (422 with field errors)", () => {
  it("lists every bad field with its path", async () => {
    const response = await register({ email: "not-an-email", password: "", display_name: "" });
    const problem = await expectProblem(response, 422, "validation-failed");
    const paths = problem.errors?.map((error) => error.path).sort();
    expect(paths).toEqual(["body.display_name", "body.email", "body.password"]);
  });

  it("rejects unknown fields", async () => {
    const email = uniqueEmail();
    const response = await register({ email, password: GOOD_PASSWORD, display_name: "x", role: "admin" });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.errors?.[0]?.path).toBe("body");
    expect(problem.errors?.[0]?.message).toContain("role");
    await expectNoAccount(email);
  });

  it("rejects wrong types", async () => {
    const response = await register({ email: 42, password: ["x"], display_name: null });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.errors).toHaveLength(3);
  });

  it("enforces the password policy: length and the common-password list", async () => {
    for (const password of ["short1!", "x".repeat(129), "password1", "Qwertyuiop", "iloveyou"]) {
      const email = uniqueEmail();
      const response = await register({ email, password, display_name: "Policy" });
      const problem = await expectProblem(response, 422, "validation-failed");
      expect(problem.errors?.[0]?.path).toBe("body.password");
      await expectNoAccount(email);
    }
  });

  it("counts password length in characters, not bytes", async () => {
    const response = await register({
      email: uniqueEmail(),
      password: "🦊🐢🦉🐙🦀🐝🦋🐌",
      display_name: "Emoji",
    });
    expect(response.status).toBe(201);
  });

  it("rejects control and invisible characters in display names, accepts other scripts", async () => {
    for (const name of ["evil\u202Eeman", "nul\u0000byte", "zero\u200Bwidth", "bell\u0007"]) {
      const response = await register({ email: uniqueEmail(), password: GOOD_PASSWORD, display_name: name });
      await expectProblem(response, 422, "validation-failed");
    }
    for (const name of ["محمد", "李小龙", "Ñandú 🐦"]) {
      const response = await register({ email: uniqueEmail(), password: GOOD_PASSWORD, display_name: name });
      expect(response.status).toBe(201);
    }
  });

  it("rejects oversized fields", async () => {
    const response = await register({
      email: `${"a".repeat(300)}@devhub.test`,
      password: GOOD_PASSWORD,
      display_name: "n".repeat(101),
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(["body.display_name", "body.email"]);
  });

  it("rejects non-ASCII and malformed emails", async () => {
    for (const email of ["josé@exämple.com", "a@b", "@devhub.test", "a b@devhub.test"]) {
      await expectProblem(
        await register({ email, password: GOOD_PASSWORD, display_name: "x" }),
        422,
        "validation-failed",
      );
    }
  });
});

describe("request-level errors", () => {
  it("answers malformed JSON with 400", async () => {
    const response = await api("/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
      body: '{"email": "x@y.z",',
    });
    await expectProblem(response, 400, "malformed-json");
  });

  it("answers a non-JSON media type with 415", async () => {
    const response = await api("/auth/register", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "email=x",
    });
    await expectProblem(response, 415, "unsupported-media-type");
  });

  it("answers a body over the limit with 413", async () => {
    const response = await apiJson("/auth/register", "POST", {
      email: "a@b.c",
      password: "x".repeat(2 * 1024 * 1024),
    });
    const problem = await expectProblem(response, 413, "payload-too-large");
    expect(problem.detail).toContain("1048576");
  });

  it("answers an empty body on a JSON route with 422", async () => {
    const response = await api("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    await expectProblem(response, 422, "validation-failed");
  });
});

describe("account errors", () => {
  it("answers a duplicate email with 409 and leaves the first account alone", async () => {
    const user = await registerUser();
    const response = await register({
      email: user.email.toUpperCase(),
      password: "another-Password-99",
      display_name: "Dup",
    });
    await expectProblem(response, 409, "conflict");
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it("answers unknown email and wrong password identically", async () => {
    const user = await registerUser();
    const wrong = await login(user.email, "wrong-Password-123");
    const unknown = await login(uniqueEmail("ghost"), "wrong-Password-123");
    const a = await expectProblem(wrong, 401, "unauthorized");
    const b = await expectProblem(unknown, 401, "unauthorized");
    expect(a.detail).toBe(b.detail);
    expect(a.title).toBe(b.title);
  });

  it("spends similar time on unknown emails and wrong passwords (both run PBKDF2)", async () => {
    const user = await registerUser();
    const time = async (email: string) => {
      const started = performance.now();
      await login(email, "wrong-Password-123");
      return performance.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      wrong.push(await time(user.email));
      unknown.push(await time(uniqueEmail("ghost")));
    }
    const median = (values: number[]) =>
      [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe("rate limits", () => {
  it("limits failed logins per account and address with 429 and Retry-After", async () => {
    const user = await registerUser();
    const ip = randomIp();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await login(user.email, "wrong-Password-123", ip);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 5).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const problem = await expectProblem(limited as Response, 429, "rate-limited");
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(problem.detail).toContain("retry");
  });

  it("limits registrations per IP", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const response = await register(
        { email: uniqueEmail(), password: GOOD_PASSWORD, display_name: "n" },
        {
          "CF-Connecting-IP": ip,
        },
      );
      statuses.push(response.status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.at(-1)).toBe(429);
  });
});
