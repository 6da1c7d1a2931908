/**
 * The password a user chooses at registration (NIST SP 800-63B): refused with a 422 naming
 * the rule, nothing written; accepted in any script, with spaces, compared in NFKC.
 */
import { describe, expect, it } from "vitest";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { login, randomIp, uniqueEmail } from "../helpers/auth.ts";

const register = (email: string, password: string) =>
  apiJson(
    "/auth/register",
    "POST",
    { email, password, display_name: "Policy" },
    { "CF-Connecting-IP": randomIp() },
  );

async function expectRefused(email: string, password: string, because: string) {
  const problem = await expectProblem(await register(email, password), 422, "validation-failed");
  expect(problem.errors).toEqual([{ path: "body.password", message: expect.stringContaining(because) }]);
  expect((await login(email, "tangerine-Otter-42-skyline")).status).toBe(401);
}

describe("a chosen password", () => {
  it("is refused when it is a run, a pattern, mostly spaces or untypeable", async () => {
    const cases: Array<[string, string]> = [
      ["abcdefgh", "run of repeated or consecutive"],
      ["1234abcd", "run of repeated or consecutive"],
      ["zyxwvuts", "run of repeated or consecutive"],
      ["abababab", "5 different characters"],
      [`${" ".repeat(8)}x`, "not counting spaces"],
      ["a b c d e f", "not counting spaces"],
      ["tangerine\u0000Otter-42", "control characters"],
      ["tangerine\tOtter-42", "control characters"],
      ["short1!", "at least 8"],
    ];
    for (const [password, because] of cases) await expectRefused(uniqueEmail(), password, because);
  });

  it("is refused when it is common, names the service or gives away the address", async () => {
    // Not @devhub.test: the service's name would be refused first.
    const localPart = `ada.lovelace-${crypto.randomUUID().slice(0, 8)}`;
    const email = `${localPart}@example.com`;
    await expectRefused(email, email, "email address");
    await expectRefused(email, `  ${email.toUpperCase()} `, "email address");
    await expectRefused(email, `${localPart}!`, "email address");
    await expectRefused(uniqueEmail(), "Qwertyuiop", "most common");
    await expectRefused(uniqueEmail(), "i love you", "most common");
    await expectRefused(uniqueEmail(), "my-DevHub-pass-7", "service's name");
  });

  it("is accepted in any script and with spaces, and compared in NFKC at login", async () => {
    for (const password of ["correct horse battery staple", "Ñandú-sobre-el-río", "🦊🐢🦉🐙🦀🐝🦋🐌"]) {
      expect((await register(uniqueEmail(), password)).status).toBe(201);
    }
    const email = uniqueEmail("ligature");
    // U+FB01 (the "fi" ligature) is NFKC-equal to "fi": one password, however it is typed.
    expect((await register(email, "\uFB01gs-and-Otter-42")).status).toBe(201);
    expect((await login(email, "figs-and-Otter-42")).status).toBe(200);
  });

  it("is at most 128 characters, counted in code points", async () => {
    await expectRefused(uniqueEmail(), "x".repeat(129), "at most 128");
    expect((await register(uniqueEmail(), "🦊🐢🦉🐙🦀🐝🦋🐌".repeat(16))).status).toBe(201);
  });

  it("is described in the document with the bounds the server enforces", async () => {
    const document = (await (await api("/openapi.json")).json()) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    const password = document.components.schemas.RegisterRequest?.properties.password;
    expect(password).toMatchObject({ type: "string", minLength: 8, maxLength: 128, format: "password" });
    expect(password?.description).toContain("most common passwords");
  });
});
