import { describe, expect, it } from "vitest";
import type { NoteList } from "../../src/routes/notes/notes.schemas.ts";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { bearer } from "../helpers/auth.ts";
import { noteClient } from "../helpers/notes.ts";
import { twoQuestions } from "../helpers/polls.ts";

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
      { name: "old", expires_at: "0001-01-01T00:00:00Z" },
      auth,
    );
    for (const response of [poll, key]) {
      const problem = await expectProblem(response, 422, "validation-failed");
      expect(JSON.stringify(problem.errors)).toContain("Must be in the future.");
      expect(JSON.stringify(problem.errors)).not.toContain("between years");
    }
  });
});
