import { describe, expect, it } from "vitest";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { noteClient } from "../helpers/notes.ts";

describe("note validation", () => {
  it.each([
    ["unknown field", { title: "t", owner: "someone" }, "body"],
    ["missing title", { content: "x" }, "body.title"],
    ["blank title", { title: "   " }, "body.title"],
    ["title over 200 characters", { title: "t".repeat(201) }, "body.title"],
    ["title of the wrong type", { title: 7 }, "body.title"],
    ["pinned as a string", { title: "t", pinned: "yes" }, "body.pinned"],
    ["content over 100 KB", { title: "t", content: "é".repeat(51 * 1024) }, "body.content"],
    ["21 tags", { title: "t", tags: Array.from({ length: 21 }, (_, i) => `tag${i}`) }, "body.tags"],
    ["a 41-character tag", { title: "t", tags: ["x".repeat(41)] }, "body.tags.0"],
    ["an empty tag", { title: "t", tags: [" "] }, "body.tags.0"],
    ["tags as a string", { title: "t", tags: "a,b" }, "body.tags"],
    ["a null byte in the title", { title: "a\u0000b" }, "body.title"],
    ["a null byte in the content", { title: "t", content: "a\u0000b" }, "body.content"],
  ])("rejects %s with 422 and writes nothing", async (_label, body, path) => {
    const client = await noteClient();
    const problem = await expectProblem(await client.send("POST", "/notes", body), 422, "validation-failed");
    expect(problem.errors?.map((error) => error.path)).toContain(path);
    expect((await client.list("")).total).toBe(0);
  });

  it("accepts a title of exactly 200 characters (emoji count as one) and 100 KB of content", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "🦊".repeat(200), content: "x".repeat(100 * 1024) });
    expect([...note.title]).toHaveLength(200);
  });

  it("rejects an empty PATCH and a PATCH with unknown fields", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "t" });
    await expectProblem(await client.send("PATCH", `/notes/${note.id}`, {}), 422, "validation-failed");
    await expectProblem(
      await client.send("PATCH", `/notes/${note.id}`, { version: 9 }),
      422,
      "validation-failed",
    );
    const unchanged = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(unchanged.version).toBe(1);
  });

  it("answers invalid UUIDs in the path with 422", async () => {
    const client = await noteClient();
    for (const id of ["123", "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "' OR '1'='1"]) {
      const problem = await expectProblem(
        await client.get(`/notes/${encodeURIComponent(id)}`),
        422,
        "validation-failed",
      );
      expect(problem.errors?.[0]?.path).toBe("path.id");
    }
  });

  it("rejects a malformed Idempotency-Key", async () => {
    const client = await noteClient();
    const response = await client.send("POST", "/notes", { title: "t" }, { "Idempotency-Key": "has space" });
    await expectProblem(response, 422, "validation-failed");
    expect((await client.list("")).total).toBe(0);
  });

  it("answers malformed JSON (400) and wrong media types (415) without writing", async () => {
    const client = await noteClient();
    const bad = await api("/notes", {
      method: "POST",
      headers: { ...client.auth, "Content-Type": "application/json" },
      body: "{",
    });
    await expectProblem(bad, 400, "malformed-json");
    const form = await api("/notes", {
      method: "POST",
      headers: { ...client.auth, "Content-Type": "text/csv" },
      body: "a,b",
    });
    await expectProblem(form, 415, "unsupported-media-type");
    expect((await client.list("")).total).toBe(0);
  });
});
