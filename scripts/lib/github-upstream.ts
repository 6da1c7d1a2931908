/**
 * A local stand-in for api.github.com, built from real recorded responses
 * (scripts/fixtures/github, octokit/fixtures, MIT). Tests and offline development point
 * GITHUB_API_URL at it. It models what the worker must cope with:
 *
 * - the real shapes: repositories are the recorded repository object with varied fields;
 *   users are the recorded account object; pages carry real-style `link` headers;
 * - `etag` + `If-None-Match` → 304 with no body, not counted against the rate limit;
 * - `x-ratelimit-*` headers; 403 without `User-Agent`; 404 for unknown users;
 * - per-user fault modes, so parallel tests never disturb each other:
 *   POST /__control/users/<login> {"mode": "ok"|"error500"|"slow"|"hang"|"malformed"|
 *   "primary_limit"|"secondary_limit"|"custom_limit"|"stall_body"|"cut_body"|"huge_body"|"null_repo",
 *   "delayMs"?, "retryAfter"?, "repos"?, "headers"? (custom_limit), "bodyBytes"? (huge_body),
 *   "hostile"? (hostile strings in every free-text field), "contributors"?, "releases"?, "readme"?};
 * - call accounting: GET /__stats/users/<login> → {requests, conditional, notModified, authorization}.
 *
 * Users and organisations: a login starting with `ghost` does not exist; `r<N>-…` owns N
 * repositories; anyone else owns 12. `octokit-fixture-org` also owns the recorded `hello-world`.
 * Each repository has contributors, releases, a README and languages (github-upstream.parts.ts).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contributor, HOSTILE_TEXT, languages, readme, release } from "./github-upstream.parts.ts";

const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "github");

type Mode =
  | "ok"
  | "error500"
  | "slow"
  | "hang"
  | "malformed"
  | "primary_limit"
  | "secondary_limit"
  /** 403 with exactly `headers` (hostile rate-limit hints). */
  | "custom_limit"
  /** 200 headers, then a body that never finishes. */
  | "stall_body"
  /** 200 with a Content-Length, then the connection dropped mid-body. */
  | "cut_body"
  /** 200 with a `bodyBytes`-long JSON array, streamed. */
  | "huge_body"
  /** A repository list with a `null` element. */
  | "null_repo";

interface UserControl {
  mode: Mode;
  delayMs: number;
  retryAfter: number;
  repos?: number;
  headers?: Record<string, string>;
  bodyBytes?: number;
  hostile?: boolean;
  /** How many contributors and releases each repository has (default 5 and 3). */
  contributors?: number;
  releases?: number;
  /** The README's Markdown, replacing the default one. */
  readme?: string;
  /** Bumped to change every repository's `pushed_at`, so ETags change (content changed upstream). */
  revision: number;
}

export interface UserStats {
  requests: number;
  conditional: number;
  notModified: number;
  authorization: string | null;
  userAgent: string | null;
  lastPath: string | null;
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8")) as Array<{
    response: Record<string, unknown>;
    headers: Record<string, string>;
  }>;

const LANGUAGES = ["TypeScript", "Go", "Rust", "Python", null, "TypeScript", "C", "Go"];

/** One page of a list as GitHub serves it: `per_page` (default 30, at most 100) and `link` rels. */
function paged(url: URL, total: number, listUrl: string) {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30)));
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const indexes = Array.from({ length: Math.max(0, Math.min(perPage, total - start)) }, (_, i) => start + i);
  const link = (p: number) => `<${listUrl}?per_page=${perPage}&page=${p}>`;
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
  if (page < lastPage) rels.push(`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { indexes, link: rels.join(", ") };
}

export interface GithubUpstream {
  url: string;
  stop(): Promise<void>;
}

export async function startGithubUpstream(port = 0): Promise<GithubUpstream> {
  const repoTemplate = fixture("get-repository.json")[0]?.response as Record<string, unknown>;
  const accountTemplate = fixture("get-organization.json")[0]?.response as Record<string, unknown>;
  const controls = new Map<string, UserControl>();
  const stats = new Map<string, UserStats>();
  let remaining = 5000;
  const resetAt = () => Math.floor(Date.now() / 1000) + 3600;

  const controlFor = (login: string): UserControl =>
    controls.get(login.toLowerCase()) ?? { mode: "ok", delayMs: 0, retryAfter: 30, revision: 0 };
  const statsFor = (login: string): UserStats => {
    const key = login.toLowerCase();
    let entry = stats.get(key);
    if (!entry) {
      entry = {
        requests: 0,
        conditional: 0,
        notModified: 0,
        authorization: null,
        userAgent: null,
        lastPath: null,
      };
      stats.set(key, entry);
    }
    return entry;
  };

  const repoCount = (login: string) => {
    const control = controlFor(login);
    if (control.repos !== undefined) return control.repos;
    const match = /^r(\d+)-/i.exec(login);
    return match ? Number(match[1]) : 12;
  };

  function repository(login: string, index: number, base: string): Record<string, unknown> {
    if (login === "octokit-fixture-org" && index === 0) return repoTemplate;
    const name = `repo-${String(index).padStart(4, "0")}`;
    const day = String((index % 28) + 1).padStart(2, "0");
    const { revision, hostile } = controlFor(login);
    const repo = {
      ...repoTemplate,
      id: 100_000 + index,
      name,
      full_name: `${login}/${name}`,
      owner: { ...(repoTemplate.owner as object), login, html_url: `https://github.com/${login}` },
      html_url: `https://github.com/${login}/${name}`,
      url: `${base}/repos/${login}/${name}`,
      description: index % 3 === 0 ? null : `Project number ${index}`,
      fork: index % 5 === 4,
      archived: index % 11 === 10,
      language: LANGUAGES[index % LANGUAGES.length],
      stargazers_count: (index * 37) % 101,
      watchers_count: (index * 37) % 101,
      forks_count: (index * 13) % 17,
      forks: (index * 13) % 17,
      open_issues_count: index % 7,
      open_issues: index % 7,
      homepage: index % 4 === 0 ? `https://${login}.example/${name}` : null,
      topics: index % 2 === 0 ? ["devtools", `t${index % 5}`] : [],
      created_at: `2020-01-${day}T10:00:00Z`,
      updated_at: `2024-02-${day}T10:00:00Z`,
      pushed_at: `2024-03-${day}T10:${String(revision % 60).padStart(2, "0")}:00Z`,
    };
    return hostile
      ? { ...repo, description: HOSTILE_TEXT, language: HOSTILE_TEXT.slice(0, 300), topics: [HOSTILE_TEXT] }
      : repo;
  }

  const account = (login: string, base: string, type = "User") => ({
    ...accountTemplate,
    login,
    type,
    name: controlFor(login).hostile
      ? HOSTILE_TEXT
      : login === "octokit-fixture-org"
        ? "Octokit Fixtures"
        : `Test ${login}`,
    bio: controlFor(login).hostile ? HOSTILE_TEXT : "Recorded-shape test account",
    company: null,
    location: "Internet",
    blog: "",
    url: `${base}/users/${login}`,
    html_url: `https://github.com/${login}`,
    public_repos: repoCount(login),
    followers: 7,
    following: 3,
  });

  function send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
    req?: http.IncomingMessage,
    login?: string,
    raw?: string,
  ) {
    const text = raw ?? JSON.stringify(body);
    const etag = `"${createHash("sha1").update(text).digest("hex")}"`;
    const common = {
      "content-type": "application/json; charset=utf-8",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-reset": String(resetAt()),
      "x-github-api-version-selected": "2022-11-28",
      ...extra,
    };
    if (status === 200 && req?.headers["if-none-match"] === etag) {
      if (login) statsFor(login).notModified += 1;
      // A 304 to a conditional request costs no rate-limit quota.
      res.writeHead(304, { ...common, etag, "x-ratelimit-remaining": String(remaining) });
      res.end();
      return;
    }
    if (status < 400 || status >= 500) remaining = Math.max(0, remaining - 1);
    res.writeHead(status, {
      ...common,
      ...(status === 200 ? { etag, "cache-control": "private, max-age=60, s-maxage=60" } : {}),
      "x-ratelimit-remaining": extra["x-ratelimit-remaining"] ?? String(remaining),
    });
    res.end(text);
  }

  const notFound = { message: "Not Found", documentation_url: "https://docs.github.com/rest" };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://upstream");
    const base = `http://${req.headers.host}`;
    const parts = url.pathname.split("/").filter(Boolean);

    if (parts[0] === "__control" && parts[1] === "users" && parts[2] && req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const patch = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Partial<UserControl> & {
        bump?: boolean;
      };
      const current = controlFor(parts[2]);
      const next = { ...current, ...patch, revision: current.revision + (patch.bump ? 1 : 0) };
      controls.set(parts[2].toLowerCase(), next);
      res.writeHead(204);
      res.end();
      return;
    }
    if (parts[0] === "__stats" && parts[1] === "users" && parts[2]) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(statsFor(parts[2])));
      return;
    }

    if (!req.headers["user-agent"]) {
      send(res, 403, {
        message:
          "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.",
      });
      return;
    }
    const login = parts[0] === "users" || parts[0] === "repos" || parts[0] === "orgs" ? parts[1] : undefined;
    if (!login) {
      send(res, 404, notFound);
      return;
    }
    const entry = statsFor(login);
    entry.requests += 1;
    entry.authorization = (req.headers.authorization as string | undefined) ?? null;
    entry.userAgent = (req.headers["user-agent"] as string | undefined) ?? null;
    entry.lastPath = `${url.pathname}${url.search}`;
    if (req.headers["if-none-match"]) entry.conditional += 1;

    const control = controlFor(login);
    if (control.mode === "hang") return; // never answers; the client must time out
    if (control.mode === "slow") await new Promise((resolve) => setTimeout(resolve, control.delayMs || 3000));
    if (control.mode === "error500") return send(res, 500, { message: "Server Error" });
    if (control.mode === "malformed")
      return send(res, 200, undefined, {}, undefined, login, '{"login": "trunc');
    if (control.mode === "custom_limit") {
      return send(res, 403, { message: "API rate limit exceeded" }, control.headers ?? {});
    }
    if (control.mode === "stall_body" || control.mode === "cut_body") {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
      res.write('[{"id": 1, "name": "partial"');
      if (control.mode === "cut_body") setTimeout(() => res.socket?.destroy(), 50);
      return; // stall_body: the rest never comes
    }
    if (control.mode === "huge_body") {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "0,".repeat(32 * 1024);
      let sent = 0;
      const total = control.bodyBytes ?? 10 * 1024 * 1024;
      res.write("[");
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end("0]");
      };
      res.on("error", () => undefined);
      pump();
      return;
    }
    if (control.mode === "null_repo" && parts[2] === "repos") {
      return send(res, 200, [repository(login, 0, base), null], {}, req, login);
    }
    if (control.mode === "primary_limit") {
      const reset = Math.floor(Date.now() / 1000) + control.retryAfter;
      return send(
        res,
        403,
        {
          message: "API rate limit exceeded for 127.0.0.1.",
          documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
        },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      );
    }
    if (control.mode === "secondary_limit") {
      return send(
        res,
        429,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        },
        { "retry-after": String(control.retryAfter) },
      );
    }
    if (login.toLowerCase().startsWith("ghost")) return send(res, 404, notFound);

    if ((parts[0] === "users" || parts[0] === "orgs") && parts.length === 2)
      return send(
        res,
        200,
        account(login, base, parts[0] === "orgs" ? "Organization" : "User"),
        {},
        req,
        login,
      );
    if ((parts[0] === "users" || parts[0] === "orgs") && parts[2] === "repos" && parts.length === 3) {
      const total = repoCount(login);
      const page = paged(url, total, `${base}/${parts[0]}/${login}/repos`);
      const items = page.indexes.map((index) => repository(login, index, base));
      return send(res, 200, items, page.link ? { link: page.link } : {}, req, login);
    }
    if (parts[0] === "repos" && parts.length >= 3) {
      const name = parts[2] as string;
      const match = /^repo-(\d{4})$/.exec(name);
      const index =
        login === "octokit-fixture-org" && name === "hello-world" ? 0 : match ? Number(match[1]) : -1;
      if (index < 0 || index >= repoCount(login)) return send(res, 404, notFound);
      const part = parts.slice(3).join("/");
      const control = controlFor(login);
      const hostile = control.hostile === true;
      if (part === "") {
        const body = name === "hello-world" ? repoTemplate : repository(login, index, base);
        return send(res, 200, body, {}, req, login);
      }
      if (part === "contributors") {
        const page = paged(url, control.contributors ?? 5, `${base}/repos/${login}/${name}/contributors`);
        const items = page.indexes.map((i) => contributor(login, i, hostile));
        return send(res, 200, items, page.link ? { link: page.link } : {}, req, login);
      }
      const releases = Array.from({ length: control.releases ?? 3 }, (_, i) =>
        release(login, name, i, hostile),
      );
      if (part === "releases") return send(res, 200, releases, {}, req, login);
      if (part === "releases/latest")
        return releases[0] ? send(res, 200, releases[0], {}, req, login) : send(res, 404, notFound);
      if (part === "readme")
        return send(res, 200, readme(login, name, control.readme, hostile), {}, req, login);
      if (part === "languages") return send(res, 200, languages(index, hostile), {}, req, login);
    }
    send(res, 404, notFound);
  }

  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
