import { describe, expect, it } from "vitest";
import type { Note, NoteList } from "../../src/routes/notes/notes.schemas.ts";
import { expectProblem } from "../helpers/api.ts";
import { type NoteClient, noteClient } from "../helpers/notes.ts";

async function collectPages(client: NoteClient, query: string, onPage?: (page: number) => Promise<void>) {
  const seen: Note[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const response = await client.get(
      `/notes?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as NoteList;
    if (body.next_cursor) {
      expect(response.headers.get("link")).toContain('rel="next"');
      expect(response.headers.get("link")).toContain(encodeURIComponent(body.next_cursor).slice(0, 20));
    } else {
      expect(response.headers.get("link")).toBeNull();
    }
    seen.push(...body.items);
    cursor = body.next_cursor;
    page += 1;
    await onPage?.(page);
  } while (cursor);
  return seen;
}

async function createMany(
  client: NoteClient,
  count: number,
  make: (i: number) => Partial<Note> & { title: string },
) {
  const notes: Note[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, (_, k) =>
      client.create(make(start + k)),
    );
    notes.push(...(await Promise.all(batch)));
  }
  return notes;
}

describe("keyset pagination", () => {
  it("pages through 250 notes with limit 37 while new notes arrive: every original exactly once", async () => {
    const client = await noteClient();
    const originals = await createMany(client, 250, (i) => ({ title: `note ${i}` }));
    let inserted = 0;
    const seen = await collectPages(client, "limit=37", async () => {
      // Concurrent writers: new notes land at the head of the order while we page.
      await Promise.all([
        client.create({ title: `late ${inserted++}` }),
        client.create({ title: `late ${inserted++}` }),
      ]);
    });
    const seenIds = seen.map((note) => note.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    for (const note of originals) expect(seenIds).toContain(note.id);
    const originalIds = new Set(originals.map((note) => note.id));
    expect(seenIds.filter((id) => originalIds.has(id))).toHaveLength(250);
    const pages = Math.ceil(250 / 37);
    expect(inserted).toBeGreaterThanOrEqual(pages * 2);
  });

  it("a list page carries at most 1 MiB of content and continues through the cursor", async () => {
    const client = await noteClient();
    const content = "x".repeat(100 * 1024);
    for (let i = 0; i < 12; i += 1) await client.create({ title: `big ${i}`, content });
    const first = await client.list("limit=100");
    expect(first.items.length).toBe(10);
    expect(first.total).toBe(12);
    expect(first.next_cursor).not.toBeNull();
    const second = await client.list(`limit=100&cursor=${encodeURIComponent(first.next_cursor as string)}`);
    expect(second.items.length).toBe(2);
    expect(second.next_cursor).toBeNull();
    const ids = new Set([...first.items, ...second.items].map((note) => note.id));
    expect(ids.size).toBe(12);
  });

  it("orders by title ascending with stable ties and reports the total", async () => {
    const client = await noteClient();
    await createMany(client, 12, (i) => ({ title: ["b", "a", "c"][i % 3] as string }));
    const all = await collectPages(client, "sort=title&limit=5");
    expect(all.map((note) => note.title)).toEqual([...all.map((note) => note.title)].sort());
    expect(all).toHaveLength(12);
    expect((await client.list("sort=title&limit=5")).total).toBe(12);
  });

  it("sorts by updated_at and puts pinned notes first when asked", async () => {
    const client = await noteClient();
    const notes = await createMany(client, 6, (i) => ({ title: `n${i}`, pinned: i % 2 === 0 }));
    await client.send("PATCH", `/notes/${notes[1]?.id}`, { content: "touched" });
    const byUpdate = await collectPages(client, "sort=updated_at&order=desc&limit=2");
    expect(byUpdate[0]?.id).toBe(notes[1]?.id);
    const pinnedFirst = await collectPages(client, "pinned_first=true&limit=2");
    expect(pinnedFirst.map((note) => note.pinned)).toEqual([true, true, true, false, false, false]);
    expect(new Set(pinnedFirst.map((note) => note.id)).size).toBe(6);
  });

  it("rejects a tampered cursor, another user's cursor and a cursor from another sort", async () => {
    const alice = await noteClient();
    const bob = await noteClient();
    await createMany(alice, 3, (i) => ({ title: `a${i}` }));
    const first = await alice.list("limit=1");
    const cursor = first.next_cursor as string;
    const [payload, signature] = cursor.split(".") as [string, string];
    const tampered = `${payload.slice(0, -2)}${payload.endsWith("A") ? "BB" : "AA"}.${signature}`;
    for (const bad of [tampered, `${payload}.`, "garbage", `${payload}.${signature}.x`]) {
      await expectProblem(
        await alice.get(`/notes?limit=1&cursor=${encodeURIComponent(bad)}`),
        400,
        "bad-request",
      );
    }
    await expectProblem(
      await bob.get(`/notes?limit=1&cursor=${encodeURIComponent(cursor)}`),
      400,
      "bad-request",
    );
    await expectProblem(
      await alice.get(`/notes?limit=1&sort=title&cursor=${encodeURIComponent(cursor)}`),
      400,
      "bad-request",
    );
    expect((await alice.get(`/notes?limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });

  it("validates limit", async () => {
    const client = await noteClient();
    for (const limit of ["0", "101", "1000", "-1", "abc", "1.5"]) {
      const problem = await expectProblem(
        await client.get(`/notes?limit=${limit}`),
        422,
        "validation-failed",
      );
      expect(problem.errors?.[0]?.path).toBe("query.limit");
    }
    expect((await client.get("/notes?limit=100")).status).toBe(200);
  });
});

describe("filters", () => {
  it("requires every tag given, and filters by pinned, archived and dates", async () => {
    const client = await noteClient();
    const both = await client.create({ title: "both", tags: ["a", "b"], pinned: true });
    const onlyA = await client.create({ title: "only a", tags: ["a"], archived: true });
    await client.create({ title: "none" });
    const ids = async (query: string) => (await client.list(query)).items.map((note) => note.id).sort();
    expect(await ids("tag=a&tag=b")).toEqual([both.id]);
    expect(await ids("tag=A")).toEqual([both.id, onlyA.id].sort());
    expect(await ids("pinned=true")).toEqual([both.id]);
    expect(await ids("archived=true")).toEqual([onlyA.id]);
    expect((await client.list("archived=false")).total).toBe(2);
    const created = Date.parse(onlyA.created_at);
    expect(await ids(`created_after=${new Date(created - 1).toISOString()}&tag=a`)).toContain(onlyA.id);
    expect(await ids(`created_before=${new Date(Date.parse(both.created_at)).toISOString()}`)).toEqual([]);
    expect(await ids(`updated_after=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    await expectProblem(await client.get("/notes?created_after=yesterday"), 422, "validation-failed");
    await expectProblem(await client.get("/notes?pinned=yes"), 422, "validation-failed");
  });
});

describe("search", () => {
  it("ranks title matches above content matches and stems words", async () => {
    const client = await noteClient();
    const inContent = await client.create({
      title: "misc",
      content: "we are deploying the kubernetes cluster",
    });
    const inTitle = await client.create({ title: "Kubernetes deployment", content: "notes" });
    await client.create({ title: "unrelated", content: "cooking pasta" });
    const result = await client.list("q=deploy%20kubernetes");
    expect(result.items.map((note) => note.id)).toEqual([inTitle.id, inContent.id]);
    expect(result.total).toBe(2);
  });

  it("supports websearch syntax (quotes, exclusion)", async () => {
    const client = await noteClient();
    const a = await client.create({ title: "red apple pie" });
    await client.create({ title: "red car" });
    const ids = (await client.list(`q=${encodeURIComponent("red -car")}`)).items.map((note) => note.id);
    expect(ids).toEqual([a.id]);
  });

  it("finds CJK text and substrings", async () => {
    const client = await noteClient();
    const cjk = await client.create({ title: "会议记录", content: "明天讨论数据库迁移" });
    const sub = await client.create({ title: "metadata store" });
    expect((await client.list(`q=${encodeURIComponent("数据库")}`)).items.map((note) => note.id)).toEqual([
      cjk.id,
    ]);
    expect((await client.list("q=data")).items.map((note) => note.id)).toEqual([sub.id]);
  });

  it("treats % and _ literally: q=50% matches only notes containing 50%", async () => {
    const client = await noteClient();
    const percent = await client.create({ title: "discount", content: "save 50% today" });
    await client.create({ title: "fifty", content: "50 apples and 500 pears" });
    const underscore = await client.create({ title: "snake_case names" });
    await client.create({ title: "snakeXcase names" });
    expect((await client.list("q=50%25")).items.map((note) => note.id)).toEqual([percent.id]);
    expect((await client.list("q=snake_case")).items.map((note) => note.id)).toEqual([underscore.id]);
  });

  it("answers SQL-looking and odd search strings with correct (empty) results", async () => {
    const client = await noteClient();
    await client.create({ title: "harmless" });
    for (const q of [
      "'; DROP TABLE notes; --",
      "\\",
      "%%",
      "___",
      "' OR 1=1 --",
      ":*",
      "a & b | !c",
      "(((",
      "🚀",
      "\u202Edesrever",
    ]) {
      const response = await client.get(`/notes?q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
      expect(((await response.json()) as NoteList).total, q).toBe(0);
    }
    await expectProblem(
      await client.get(`/notes?q=${encodeURIComponent("a\u0000b")}`),
      422,
      "validation-failed",
    );
    expect((await client.list("")).total).toBe(1);
  });

  it("pages through search results by relevance", async () => {
    const client = await noteClient();
    await createMany(client, 7, (i) => ({ title: i % 2 ? "rust rust rust" : "rust", content: `item ${i}` }));
    const all = await collectPages(client, "q=rust&limit=3");
    expect(all).toHaveLength(7);
    expect(new Set(all.map((note) => note.id)).size).toBe(7);
    expect(all.slice(0, 3).every((note) => note.title === "rust rust rust")).toBe(true);
  });
});
