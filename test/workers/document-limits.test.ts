import { describe, expect, it } from "vitest";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { GOOD_PASSWORD, login, randomIp, registerUser, uniqueEmail } from "../helpers/auth.ts";
import { noteClient } from "../helpers/notes.ts";

/**
 * The document's `maxLength` counts code points (JSON Schema's unit), and so does the
 * server: text at the published limit is accepted even when every character needs two
 * UTF-16 units, and one more character is refused.
 */
const ROCKET = "🚀"; // one code point, two UTF-16 units
const atLimit = (limit: number) => ROCKET.repeat(limit);
const overLimit = (limit: number) => ROCKET.repeat(limit + 1);

describe("text limits hold in code points, as the document states them", () => {
  it("accepts a 200-character note title of astral characters and refuses 201", async () => {
    const notes = await noteClient();
    const ok = await notes.send("POST", "/notes", { title: atLimit(200), tags: [atLimit(40)] });
    expect(ok.status).toBe(201);
    const titleTooLong = await notes.send("POST", "/notes", { title: overLimit(200) });
    const problem = await expectProblem(titleTooLong, 422, "validation-failed");
    expect(problem.errors).toContainEqual({ path: "body.title", message: "Must be at most 200 characters." });
    const tagTooLong = await notes.send("POST", "/notes", { title: "t", tags: [overLimit(40)] });
    await expectProblem(tagTooLong, 422, "validation-failed");
  });

  it("measures the limit on the text as sent, so padding cannot smuggle in more", async () => {
    const notes = await noteClient();
    const padded = await notes.send("POST", "/notes", { title: `${"a".repeat(200)} ` });
    await expectProblem(padded, 422, "validation-failed");
  });

  it("accepts a 100-character display name of astral characters and refuses 101", async () => {
    const register = (displayName: string) =>
      apiJson(
        "/auth/register",
        "POST",
        { email: uniqueEmail(), password: GOOD_PASSWORD, display_name: displayName },
        { "CF-Connecting-IP": randomIp() },
      );
    expect((await register(atLimit(100))).status).toBe(201);
    await expectProblem(await register(overLimit(100)), 422, "validation-failed");
  });
});

describe("the password limit: message, check and document agree on 128 characters", () => {
  it("registers a 128-character password and refuses 129 with the message that says 128", async () => {
    const longest = `${GOOD_PASSWORD}${"x".repeat(128 - GOOD_PASSWORD.length)}`;
    const user = await registerUser(uniqueEmail(), longest);
    expect((await login(user.email, longest)).status).toBe(200);
    for (const password of [`${longest}x`, overLimit(128), "x".repeat(512)]) {
      const response = await apiJson(
        "/auth/register",
        "POST",
        { email: uniqueEmail(), password, display_name: "Long" },
        { "CF-Connecting-IP": randomIp() },
      );
      const problem = await expectProblem(response, 422, "validation-failed");
      expect(problem.errors).toEqual([{ path: "body.password", message: "Must be at most 128 characters." }]);
    }
  });

  it("answers a 129-character login password as invalid input, not as a wrong password", async () => {
    const user = await registerUser();
    const problem = await expectProblem(await login(user.email, "x".repeat(129)), 422, "validation-failed");
    expect(problem.errors?.[0]?.message).toBe("Must be at most 128 characters.");
  });
});
