import { describe, expect, it } from "vitest";
import { websearchText } from "../../src/routes/notes/notes.list.ts";
import { noteClient } from "../helpers/notes.ts";

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
