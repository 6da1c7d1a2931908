import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ALLOWED_TAGS } from "../../src/lib/safe-markdown.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { adminTokens, bearer } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import { type NoteClient, noteClient } from "../helpers/notes.ts";

interface CreatedShare {
  id: string;
  token: string;
  url: string;
  prefix: string;
  expires_at: string | null;
}

async function share(client: NoteClient, noteId: string, body: object = {}) {
  const response = await client.send("POST", `/notes/${noteId}/shares`, body);
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedShare;
}

const readJson = (token: string) => api(`/s/${token}`, { headers: { Accept: "application/json" } });
const readPage = (token: string) =>
  api(`/s/${token}`, { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });

async function sharedNote(tags: string[] = []) {
  const client = await noteClient();
  const note = await client.create({ title: "Trip plan", content: "day 1: *walk*", tags });
  return { client, note, link: await share(client, note.id) };
}

describe("share links", () => {
  it("the token is shown once and stored only as a hash; the link reads the note and nothing else", async () => {
    const { client, note, link } = await sharedNote(["travel"]);
    expect(link.token).toMatch(/^dhs_[A-Za-z0-9_-]{43}$/);
    expect(link.url.endsWith(`/s/${link.token}`)).toBe(true);
    const stored = await runSql<{ token_hash: string }>(
      sql`SELECT token_hash FROM note_shares WHERE id = ${link.id}`,
    );
    expect(stored[0]?.token_hash).not.toContain(link.token.slice(4, 20));
    const listed = await (await client.get(`/notes/${note.id}/shares`)).text();
    expect(listed).not.toContain(link.token);

    const read = await readJson(link.token);
    expect(read.status).toBe(200);
    expect(read.headers.get("Cache-Control")).toBe("no-store");
    expect(read.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(read.headers.get("X-Robots-Tag")).toBe("noindex, nofollow");
    expect(await read.json()).toEqual({
      title: "Trip plan",
      content: "day 1: *walk*",
      tags: ["travel"],
      updated_at: note.updated_at,
    });
  });

  it("records the last access in the owner's list", async () => {
    const { client, note, link } = await sharedNote();
    await readJson(link.token);
    await readJson(link.token);
    const { items } = (await (await client.get(`/notes/${note.id}/shares`)).json()) as {
      items: { id: string; access_count: number; last_accessed_at: string | null }[];
    };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: link.id, access_count: 2 });
    expect(items[0]?.last_accessed_at).not.toBeNull();
  });

  it("renders a page for browsers, with no referrer and no indexing", async () => {
    const { link } = await sharedNote();
    const page = await readPage(link.token);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('<meta name="robots" content="noindex, nofollow"/>');
    expect(html).toContain("day 1: <em>walk</em>");
  });

  it("revoking ends access at once", async () => {
    const { client, note, link } = await sharedNote();
    expect((await readJson(link.token)).status).toBe(200);
    expect((await client.send("DELETE", `/notes/${note.id}/shares/${link.id}`)).status).toBe(204);
    await expectProblem(await readJson(link.token), 404, "not-found");
    await expectProblem(await client.send("DELETE", `/notes/${note.id}/shares/${link.id}`), 404, "not-found");
  });

  it("an expired link reads as not found", async () => {
    const { client, note } = await sharedNote();
    const link = await share(client, note.id, { expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect((await readJson(link.token)).status).toBe(200);
    await runSql(sql`UPDATE note_shares SET expires_at = now() - interval '1 second' WHERE id = ${link.id}`);
    await expectProblem(await readJson(link.token), 404, "not-found");
    await expectProblem(
      await client.send("POST", `/notes/${note.id}/shares`, { expires_at: "2001-01-01T00:00:00Z" }),
      422,
      "validation-failed",
    );
  });

  it("trashing the note ends access, restoring brings it back; purging deletes the links", async () => {
    const { client, note, link } = await sharedNote();
    await client.send("DELETE", `/notes/${note.id}`);
    await expectProblem(await readJson(link.token), 404, "not-found");
    await expectProblem(await client.send("POST", `/notes/${note.id}/shares`, {}), 409, "conflict");
    await client.send("POST", `/notes/${note.id}/restore`);
    expect((await readJson(link.token)).status).toBe(200);
    await client.send("DELETE", `/notes/${note.id}`);
    await client.send("DELETE", `/notes/${note.id}?permanent=true`);
    await expectProblem(await readJson(link.token), 404, "not-found");
    const left = await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM note_shares WHERE id = ${link.id}`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it("disabling the owner ends access at once; enabling restores it", async () => {
    const { client, link } = await sharedNote();
    const root = await adminTokens();
    const admin = (path: string) => api(path, { method: "POST", headers: bearer(root.access_token) });
    expect((await admin(`/admin/users/${client.user.tokens.user.id}/disable`)).status).toBe(200);
    await expectProblem(await readJson(link.token), 404, "not-found");
    expect((await admin(`/admin/users/${client.user.tokens.user.id}/enable`)).status).toBe(200);
    expect((await readJson(link.token)).status).toBe(200);
  });

  it("only the owner lists, creates or revokes a note's links", async () => {
    const { note, link } = await sharedNote();
    const other = await noteClient();
    await expectProblem(await other.get(`/notes/${note.id}/shares`), 404, "not-found");
    await expectProblem(await other.send("POST", `/notes/${note.id}/shares`, {}), 404, "not-found");
    await expectProblem(await other.send("DELETE", `/notes/${note.id}/shares/${link.id}`), 404, "not-found");
    expect((await readJson(link.token)).status).toBe(200);
  });

  it("an unknown or malformed token is not found or refused, never a 500", async () => {
    await expectProblem(await readJson(`dhs_${"A".repeat(43)}`), 404, "not-found");
    await expectProblem(await readJson("dhs_%3Cscript%3E"), 422, "validation-failed");
  });
});

describe("the share page escapes hostile Markdown", () => {
  const hostile = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[click](javascript:alert(3))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '[q](https://ok.example/"onmouseover="alert(4))',
    "**<iframe src=//evil.example>**",
    "```\n</code></pre><script>alert(5)</script>\n```",
    "# <svg onload=alert(6)>",
    "> <a href='javascript:alert(7)'>x</a>",
    "[ok](https://example.com/path?a=1&b=<2>)",
  ].join("\n\n");

  it("emits only allowed tags, no event handlers and no unsafe link schemes", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "<b>title</b>", content: hostile });
    const link = await share(client, note.id);
    const html = await (await readPage(link.token)).text();
    const body = html.slice(html.indexOf('<div class="note-body">'), html.lastIndexOf("</article>"));
    const tags = [...body.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]?.toLowerCase());
    expect(
      tags.filter((tag) => tag !== "div" && !(ALLOWED_TAGS as readonly string[]).includes(tag ?? "")),
    ).toEqual([]);
    expect(body).not.toMatch(/<[^>]*\son\w+=/i);
    expect(body).not.toMatch(/href="(?!https:|http:|mailto:)/);
    expect(body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(body).toContain(
      '<a href="https://example.com/path?a=1&amp;b=%3C2%3E" rel="nofollow noopener noreferrer">ok</a>',
    );
    expect(body).toContain("[click](javascript:alert(3))");
    expect(html).toContain("&lt;b&gt;title&lt;/b&gt;");
    // Still the note as written: the JSON read returns the raw Markdown.
    expect(((await (await readJson(link.token)).json()) as { content: string }).content).toBe(hostile);
  });
});
