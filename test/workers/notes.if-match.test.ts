import { describe, expect, it } from "vitest";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import { expectProblem } from "../helpers/api.ts";
import { noteClient } from "../helpers/notes.ts";

/** A note at version 2, and a PATCH guarded by `ifMatch`. */
async function noteAtVersion2() {
  const client = await noteClient();
  const note = await client.create({ title: "v1" });
  expect((await client.send("PATCH", `/notes/${note.id}`, { pinned: true })).status).toBe(200);
  const patch = (ifMatch: string) =>
    client.send("PATCH", `/notes/${note.id}`, { title: ifMatch }, { "If-Match": ifMatch });
  return { client, note, patch };
}

/** If-Match compares strongly against a list of tags (RFC 9110 §13.1.1). */
describe("If-Match on notes", () => {
  it("refuses a weak tag even when its opaque part is the current version", async () => {
    const { patch } = await noteAtVersion2();
    await expectProblem(await patch('W/"v2"'), 412, "precondition-failed");
  });

  it("refuses a tag that only reads as the current version (leading zeros, sign)", async () => {
    const { patch } = await noteAtVersion2();
    for (const tag of ['"v0002"', '"v02"', '"v+2"', '"V2"', "v2", '"v2"x']) {
      await expectProblem(await patch(tag), 412, "precondition-failed");
    }
  });

  it("matches when any tag of a list is the current version, not only the first", async () => {
    const { client, note, patch } = await noteAtVersion2();
    expect((await patch('"v1", W/"v2", "v2"')).status).toBe(200);
    expect((await patch('"x", "v3" ,"v9"')).status).toBe(200);
    await expectProblem(await patch('"v1", W/"v5"'), 412, "precondition-failed");
    const current = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(current.version).toBe(4);
  });

  it("treats * as any current version", async () => {
    const { patch } = await noteAtVersion2();
    expect((await patch("*")).status).toBe(200);
  });

  it("DELETE takes the same list: a weak tag keeps the note, a listed strong tag trashes it", async () => {
    const { client, note } = await noteAtVersion2();
    const del = (ifMatch: string) =>
      client.send("DELETE", `/notes/${note.id}`, undefined, { "If-Match": ifMatch });
    await expectProblem(await del('W/"v2"'), 412, "precondition-failed");
    expect((await del('"v1", "v2"')).status).toBe(204);
  });
});
