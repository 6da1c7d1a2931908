import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { adminTokens, bearer, login, randomIp, registerUser } from "../helpers/auth.ts";
import { uniqueLogin } from "../helpers/github.ts";
import type { OpenApiDocument, Parameter } from "../helpers/openapi-document.ts";

/** The document as this worker serves it. */
async function served(): Promise<OpenApiDocument> {
  return (await (await api("/openapi.json")).json()) as OpenApiDocument;
}

function queryParameter(doc: OpenApiDocument, path: string, name: string): Parameter {
  const parameter = doc.paths[path]?.get?.parameters?.find((p) => p.name === name && p.in === "query");
  if (!parameter) throw new Error(`no ${name} on GET ${path}`);
  return parameter;
}

/** What the document allows, the server takes; what the server refuses, the document says. */
describe("the document and the server agree", () => {
  it("declares the 409 an administrator gets for disabling its own account (and only there)", async () => {
    const doc = await served();
    expect(doc.paths["/admin/users/{id}/disable"]?.post?.responses["409"]).toBeDefined();
    expect(doc.paths["/admin/users/{id}/enable"]?.post?.responses["409"]).toBeUndefined();
  });

  it("states the email rule the server applies: format email and the pattern, and they decide alike", async () => {
    const doc = await served();
    const schema = doc.components.schemas.LoginRequest?.properties?.email as {
      format?: string;
      pattern?: string;
    };
    expect(schema.format).toBe("email");
    const pattern = new RegExp(schema.pattern as string, "u");
    const samples = [
      "ada@example.com",
      "o'brien+tag@mail.example.io",
      "UPPER.case@Example.COM",
      "a!b@example.com",
      "ada@localhost",
      "ada@[127.0.0.1]",
      '"ada lovelace"@example.com',
      "not-an-email",
      "ada@example.c",
    ];
    for (const email of samples) {
      const response = await login(email, "some-password-2026", randomIp());
      // A well-formed address with a wrong password is 401; a malformed one never gets that far.
      expect(response.status, email).toBe(pattern.test(email) ? 401 : 422);
      await response.body?.cancel();
    }
  });

  it("takes every UUID `format: uuid` allows: nil, other versions and variants are 404, not 422", async () => {
    const admin = bearer((await adminTokens()).access_token);
    const user = bearer((await registerUser()).tokens.access_token);
    const ids = [
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "0190c9a1-2b3c-4d5e-0f60-0a1b2c3d4e5f",
      "0190c9a1-2b3c-0d5e-cf60-0a1b2c3d4e5f",
      "0190c9a1-2b3c-fd5e-ef60-0a1b2c3d4e5f",
    ];
    for (const id of ids) {
      await expectProblem(await api(`/notes/${id}`, { headers: user }), 404, "not-found");
      await expectProblem(await api(`/polls/${id}`, { headers: user }), 404, "not-found");
      await expectProblem(
        await api(`/admin/users/${id}/disable`, { method: "POST", headers: admin }),
        404,
        "not-found",
      );
    }
    await expectProblem(
      await api("/notes/0190c9a1-2b3c-4d5e-8f60-0a1b2c3d4e5", { headers: user }),
      422,
      "validation-failed",
    );
  });

  it("reads an integer query value only in decimal digits, on every list", async () => {
    const admin = bearer((await adminTokens()).access_token);
    const user = bearer((await registerUser()).tokens.access_token);
    const lists: Array<[string, Record<string, string>]> = [
      ["/notes?limit=", user],
      ["/polls?limit=", user],
      ["/polls?sort=votes&min_votes=", user],
      ["/admin/users?limit=", admin],
      [`/github/users/${uniqueLogin(3)}/repos?limit=`, {}],
    ];
    for (const [prefix, headers] of lists) {
      const ok = await api(`${prefix}5`, { headers });
      expect(ok.status, `${prefix}5: ${await ok.clone().text()}`).toBe(200);
      await ok.body?.cancel();
      for (const form of ["+5", "1e2", "05", "5.0", " 5", "5 ", "0x5", "-0", "٥"]) {
        await expectProblem(
          await api(`${prefix}${encodeURIComponent(form)}`, { headers }),
          422,
          "validation-failed",
        );
      }
    }
  });

  it("declares the tag filter's minLength and pattern, and refuses what they refuse", async () => {
    const doc = await served();
    const tag = queryParameter(doc, "/notes", "tag").schema;
    const variants = (tag.anyOf ?? []).map((variant) => (variant.type === "array" ? variant.items : variant));
    expect(variants).toHaveLength(2);
    for (const variant of variants) expect(variant).toMatchObject({ minLength: 1, pattern: "\\S" });
    const user = bearer((await registerUser()).tokens.access_token);
    for (const query of ["tag=", "tag=%20", "tag=ok&tag="]) {
      await expectProblem(await api(`/notes?${query}`, { headers: user }), 422, "validation-failed");
    }
    expect((await api("/notes?tag=ok", { headers: user })).status).toBe(200);
  });
});

/** Walks every operation the document lists, so a route added later is held to the same rules. */
describe("every operation honours its parameters' declared forms", () => {
  it("takes any UUID (here version 0, variant c) wherever a path says `format: uuid`, and refuses a non-decimal integer query", async () => {
    const doc = await served();
    const headers = bearer((await adminTokens()).access_token);
    const broken: string[] = [];
    let checked = 0;
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(byMethod)) {
        // A body is validated after the path; operations that need one are covered by their own tests.
        if (operation.requestBody || path.includes("trigger-error")) continue;
        const parameters = operation.parameters ?? [];
        const uuidParams = parameters.filter((p) => p.in === "path" && p.schema.format === "uuid");
        const integerParams = parameters.filter((p) => p.in === "path" && p.schema.type === "integer");
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
          uuidParams.some((p) => p.name === name)
            ? "0190c9a1-2b3c-0d5e-cf60-0a1b2c3d4e5f"
            : integerParams.some((p) => p.name === name)
              ? "1"
              : "octocat",
        );
        const send = (query: string) => api(`${url}${query}`, { method: method.toUpperCase(), headers });
        if (uuidParams.length > 0) {
          const response = await send("");
          checked += 1;
          if (response.status === 422 || response.status >= 500)
            broken.push(`${method} ${url} → ${response.status}`);
          await response.body?.cancel();
        }
        for (const parameter of parameters.filter((p) => p.in === "query" && p.schema.type === "integer")) {
          const response = await send(`?${parameter.name}=%2B${parameter.schema.minimum ?? 1}`);
          checked += 1;
          if (response.status !== 422)
            broken.push(`${method} ${url}?${parameter.name}=+… → ${response.status}`);
          await response.body?.cancel();
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });
});
