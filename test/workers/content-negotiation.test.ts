import { describe, expect, it } from "vitest";
import { api, apiJson, expectProblem, ORIGIN } from "../helpers/api.ts";
import { bearer, randomIp, registerUser } from "../helpers/auth.ts";
import { subscribeLive } from "../helpers/live.ts";
import { noteClient } from "../helpers/notes.ts";
import { answersFor, createPoll, twoQuestions } from "../helpers/polls.ts";

/** Content negotiation (406) and the one JSON media-type policy the document states. */

describe("content negotiation", () => {
  it("answers 406 problem+json to a read whose Accept admits nothing the route sends", async () => {
    for (const accept of ["application/xml", "text/csv", "application/json;q=0, text/html", "image/png"]) {
      const response = await api("/health", { headers: { Accept: accept } });
      await expectProblem(response, 406, "not-acceptable");
    }
  });

  it("serves JSON to the Accept values that admit it, and to no Accept at all", async () => {
    for (const accept of [
      undefined,
      "*/*",
      "application/json",
      "application/*",
      "application/problem+json, application/json",
      "text/html, */*;q=0.8",
      "APPLICATION/JSON; charset=utf-8",
    ]) {
      const response = await api("/health", { headers: accept === undefined ? {} : { Accept: accept } });
      expect(response.status, String(accept)).toBe(200);
      expect(response.headers.get("content-type"), String(accept)).toBe("application/json");
      await response.body?.cancel();
    }
  });

  it("disregards an Accept with no valid media range (RFC 9110 §12.5.1) and reads a bare * as */*", async () => {
    const notes = await noteClient();
    for (const accept of ["*", "json", "text", ";q=1"]) {
      const read = await api("/health", { headers: { Accept: accept } });
      expect(read.status, accept).toBe(200);
      await read.body?.cancel();
      const write = await notes.send("POST", "/notes", { title: "any accept" }, { Accept: accept });
      expect(write.status, accept).toBe(201);
      await write.body?.cancel();
    }
    await expectProblem(
      await api("/health", { headers: { Accept: "text/csv, junk" } }),
      406,
      "not-acceptable",
    );
  });

  it("refuses a write before it happens, so a 406 creates nothing", async () => {
    const notes = await noteClient();
    const title = `never-${crypto.randomUUID()}`;
    const refused = await notes.send("POST", "/notes", { title }, { Accept: "application/xml" });
    await expectProblem(refused, 406, "not-acceptable");
    const list = await notes.list(`q=${encodeURIComponent(title)}`);
    expect(list.total).toBe(0);
  });

  it("refuses a JSON write whose Accept admits only HTML or problem+json, before it happens", async () => {
    const notes = await noteClient();
    const title = `never-${crypto.randomUUID()}`;
    for (const accept of [
      "text/html",
      "text/*",
      "application/problem+json",
      "application/json;q=0, text/html",
    ]) {
      const refused = await notes.send("POST", "/notes", { title }, { Accept: accept });
      await expectProblem(refused, 406, "not-acceptable");
    }
    expect((await notes.list(`q=${encodeURIComponent(title)}`)).total).toBe(0);
    // A browser's own form post (its navigation Accept ends in */*) still votes and is redirected.
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions({ voters: "anonymous" }));
    const fields = new URLSearchParams(
      answersFor(poll).answers.map((a) => [`q.${a.question_id}`, a.choice_ids[0] ?? ""]),
    );
    const form = await api(`/polls/${poll.id}/ballot`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        Origin: ORIGIN,
        "CF-Connecting-IP": randomIp(),
      },
      body: fields,
      redirect: "manual",
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe(`/p/${poll.id}?outcome=voted#results`);
  });

  it("does not let an Upgrade header skip the check: only a GET WebSocket handshake is exempt", async () => {
    const notes = await noteClient();
    const title = `never-${crypto.randomUUID()}`;
    for (const upgrade of ["h2c", "websocket"]) {
      const headers = { Accept: "application/xml", Upgrade: upgrade, Connection: "Upgrade" };
      const refused = await notes.send("POST", "/notes", { title }, headers);
      await expectProblem(refused, 406, "not-acceptable");
    }
    expect((await notes.list(`q=${encodeURIComponent(title)}`)).total).toBe(0);
    const read = await api("/health", { headers: { Accept: "image/png", Upgrade: "h2c" } });
    await expectProblem(read, 406, "not-acceptable");
    // The real handshake is still answered 101, whatever its Accept says.
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions({ results_visibility: "always" }));
    const live = await subscribeLive(poll.id, { Accept: "text/csv" });
    live.socket.close();
  });

  it("sends none of the refused representation's headers on a 406 (no shared-cache lifetime, ETag, cookie or file name)", async () => {
    const document = await api("/openapi.json", { headers: { Accept: "text/html" } });
    expect(document.headers.get("cache-control")).toBe("no-store");
    expect(document.headers.get("vary")).toMatch(/\bAccept\b/);
    expect(document.headers.get("ratelimit")).toBeTruthy();
    await expectProblem(document, 406, "not-acceptable");
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions({ voters: "anonymous" }));
    const page = await api(`/polls/${poll.id}`, { headers: { Accept: "text/csv" } });
    for (const name of ["etag", "set-cookie"]) expect(page.headers.get(name), name).toBeNull();
    await expectProblem(page, 406, "not-acceptable");
    const csv = await api(`/polls/${poll.id}/results.csv`, {
      headers: { ...bearer(owner.tokens.access_token), Accept: "application/json" },
    });
    for (const name of ["etag", "content-disposition"]) expect(csv.headers.get(name), name).toBeNull();
    await expectProblem(csv, 406, "not-acceptable");
  });

  it("picks the results' representation by the Accept weights, so it never picks the one it then refuses", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const auth = bearer(owner.tokens.access_token);
    for (const [accept, type] of [
      ["application/json;q=0, text/csv", "text/csv"],
      ["text/csv;q=0, */*", "application/json"],
      ["text/csv, application/json;q=0.5", "text/csv"],
      ["text/csv;q=0.5, application/json", "application/json"],
      ["text/csv, */*", "text/csv"],
      ["text/csv, application/json", "application/json"],
      ["*/*", "application/json"],
    ] as const) {
      const response = await api(`/polls/${poll.id}/results`, { headers: { ...auth, Accept: accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get("content-type")?.split(";")[0], accept).toBe(type);
      await response.body?.cancel();
    }
  });

  it("lets the CSV export and the HTML pages answer in their own types", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const auth = bearer(owner.tokens.access_token);
    const csv = await api(`/polls/${poll.id}/results.csv`, { headers: { ...auth, Accept: "text/csv" } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    await csv.body?.cancel();
    const negotiated = await api(`/polls/${poll.id}/results`, { headers: { ...auth, Accept: "text/csv" } });
    expect(negotiated.status).toBe(200);
    expect(negotiated.headers.get("content-type")).toMatch(/^text\/csv/);
    await negotiated.body?.cancel();
    const page = await api("/status", { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    await page.body?.cancel();
    const jsonOnly = await api(`/polls/${poll.id}/results.csv`, {
      headers: { ...auth, Accept: "application/json" },
    });
    await expectProblem(jsonOnly, 406, "not-acceptable");
  });
});

describe("one JSON media type policy: no charset parameter, in the document and on the wire", () => {
  it("sends application/json and application/problem+json exactly as the document names them", async () => {
    const health = await api("/health");
    expect(health.headers.get("content-type")).toBe("application/json");
    await health.body?.cancel();
    const document = await api("/openapi.json");
    expect(document.headers.get("content-type")).toBe("application/json");
    await document.body?.cancel();
    const problem = await api("/notes/not-an-id");
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
    await problem.body?.cancel();
    const github = await api("/github/repos/octokit-fixture-org/hello-world");
    expect(github.status).toBe(200);
    expect(github.headers.get("content-type")).toBe("application/json");
    await github.body?.cancel();
  });
});

describe("PATCH bodies need at least one property (minProperties: 1)", () => {
  it("answers an empty PATCH with 422 on notes and polls", async () => {
    const notes = await noteClient();
    const note = await notes.create({ title: "patch me" });
    await expectProblem(await notes.send("PATCH", `/notes/${note.id}`, {}), 422, "validation-failed");
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const response = await apiJson(`/polls/${poll.id}`, "PATCH", {}, bearer(owner.tokens.access_token));
    await expectProblem(response, 422, "validation-failed");
  });
});
