import { describe, expect, it } from "vitest";
import type { NoteList } from "../../src/routes/notes/notes.schemas.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { noteClient } from "../helpers/notes.ts";
import { createPoll, twoQuestions } from "../helpers/polls.ts";

/** Every year PostgreSQL's timestamptz and RFC 3339 share, 0001 included. */
const EARLY_INSTANTS = [
  "0001-01-01T00:00:00Z",
  "0001-06-30T12:00:00.5+02:00",
  "0099-12-31T23:59:59Z",
  "0100-01-01T00:00:00Z",
  "1000-02-28T00:00:00Z",
  "1899-12-31T23:59:59Z",
  "1900-12-31T23:59:59Z",
];
const FILTERS = ["created_after", "created_before", "updated_after", "updated_before"];

describe("date-times from year 0001", () => {
  it("every notes filter accepts years 0001–1900 and filters by them", async () => {
    const client = await noteClient();
    await client.create({ title: "now" });
    for (const instant of EARLY_INSTANTS) {
      for (const filter of FILTERS) {
        const response = await client.get(`/notes?${filter}=${encodeURIComponent(instant)}`);
        expect(response.status, `${filter}=${instant}: ${await response.clone().text()}`).toBe(200);
        const list = (await response.json()) as NoteList;
        expect(list.total, `${filter}=${instant}`).toBe(filter.endsWith("_after") ? 1 : 0);
      }
    }
  });

  it("still refuses year 0000 and offsets that carry an instant below 0001", async () => {
    const client = await noteClient();
    for (const instant of ["0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01"]) {
      const problem = await expectProblem(
        await client.get(`/notes?created_after=${encodeURIComponent(instant)}`),
        422,
        "validation-failed",
      );
      expect(JSON.stringify(problem.errors), instant).toContain("between years 0001 and 9999");
    }
  });

  it("closes_at and expires_at before 1901 are refused as past, not as out of range", async () => {
    const client = await noteClient();
    const auth = bearer(client.user.tokens.access_token);
    const poll = await apiJson("/polls", "POST", twoQuestions({ closes_at: "1900-12-31T23:59:59Z" }), auth);
    const key = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "old", scopes: ["notes:read"], expires_at: "0001-01-01T00:00:00Z" },
      auth,
    );
    for (const response of [poll, key]) {
      const problem = await expectProblem(response, 422, "validation-failed");
      expect(JSON.stringify(problem.errors)).toContain("Must be in the future.");
      expect(JSON.stringify(problem.errors)).not.toContain("between years");
    }
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
