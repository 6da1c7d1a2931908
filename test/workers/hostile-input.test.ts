import { describe, expect, it } from "vitest";
import { websearchText } from "../../src/routes/notes/notes.list.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { noteClient } from "../helpers/notes.ts";
import { createPoll, twoQuestions } from "../helpers/polls.ts";

describe("search text the full-text parser used to choke on", () => {
  it.each([
    ["33 dashes", "-".repeat(33)],
    ["200 dashes", "-".repeat(200)],
    ["a word then 40 spaced dashes", `a ${"- ".repeat(40)}`],
    ["dashes before a word", `${"-".repeat(60)}zebra`],
  ])("answers 200 for %s", async (_label, q) => {
    const client = await noteClient();
    await client.create({ title: "zebra crossing" });
    const response = await client.get(`/notes?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
  });

  it('keeps negation meaning: -word and -"phrase" still exclude', async () => {
    expect(websearchText("cats --dogs")).toBe("cats -dogs");
    expect(websearchText('cats -"hot dogs"')).toBe('cats -"hot dogs"');
    expect(websearchText("a - - b")).toBe("a     b");
    const client = await noteClient();
    await client.create({ title: "cats and dogs" });
    await client.create({ title: "cats alone" });
    const page = await client.list(`q=${encodeURIComponent("cats ---dogs")}`);
    expect(page.items.map((note) => note.title)).toEqual(["cats alone"]);
  });
});

describe("RFC 3339 date-times PostgreSQL cannot hold", () => {
  it.each([
    "updated_before=0000-06-15T00:00:00%2B05:00",
    "created_after=0000-01-01T00:00:00Z",
    "created_before=0001-01-01T00:00:00%2B05:00",
    "updated_after=9999-12-31T23:00:00-15:00",
  ])("answers 422 for %s", async (query) => {
    const client = await noteClient();
    const problem = await expectProblem(await client.get(`/notes?${query}`), 422, "validation-failed");
    expect(problem.errors?.[0]?.message).toMatch(/0001 and 9999/);
  });

  it("accepts offsets beyond ±15:59 by converting to UTC first", async () => {
    const client = await noteClient();
    await client.create({ title: "now" });
    const after = await client.list("created_after=2020-01-01T00:00:00-18:34");
    expect(after.total).toBe(1);
    const before = await client.list("created_before=2020-01-01T00:00:00%2B23:59");
    expect(before.total).toBe(0);
  });

  it("poll closes_at with a +16:00 offset is stored, on create and on patch", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions({ closes_at: "2099-01-01T00:00:00+16:00" }));
    expect(poll.closes_at).toBe("2098-12-31T08:00:00.000Z");
    const patched = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { closes_at: "2099-06-01T12:00:00-17:30" },
      bearer(owner.tokens.access_token),
    );
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Poll).closes_at).toBe("2099-06-02T05:30:00.000Z");
  });
});
