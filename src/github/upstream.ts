import { API_VERSION } from "../version.ts";
import type { GithubSettings } from "./settings.ts";

/** How GitHub failed us; decides the status we answer with when nothing stale is left. */
export type UpstreamFailure = "timeout" | "server" | "rate_limited" | "malformed" | "network" | "unexpected";

export class UpstreamError extends Error {
  readonly kind: UpstreamFailure;
  readonly retryAfterSeconds?: number;
  readonly rate?: RateLimitHeaders;

  constructor(kind: UpstreamFailure, message: string, retryAfterSeconds?: number, rate?: RateLimitHeaders) {
    super(message);
    this.name = "UpstreamError";
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rate = rate;
  }
}

export interface RateLimitHeaders {
  limit?: number;
  remaining?: number;
  /** Epoch seconds. */
  reset?: number;
  retryAfter?: number;
}

export interface UpstreamResponse {
  status: 200 | 304 | 404;
  /** Raw JSON text (empty for 304). */
  body: string;
  etag: string | null;
  link: string | null;
  rate: RateLimitHeaders;
}

const numberHeader = (headers: Headers, name: string) => {
  const value = headers.get(name);
  return value === null || value === "" || Number.isNaN(Number(value)) ? undefined : Number(value);
};

export function rateLimitHeaders(headers: Headers): RateLimitHeaders {
  return {
    limit: numberHeader(headers, "x-ratelimit-limit"),
    remaining: numberHeader(headers, "x-ratelimit-remaining"),
    reset: numberHeader(headers, "x-ratelimit-reset"),
    retryAfter: numberHeader(headers, "retry-after"),
  };
}

/**
 * One request to GitHub with the headers it asks for (a missing User-Agent is a 403 there),
 * the server-side token if configured, an optional conditional ETag, and a hard timeout.
 * Rate-limit responses and 5xx become UpstreamErrors; 200/304/404 are returned.
 */
export async function requestGithub(
  settings: GithubSettings,
  path: string,
  etag: string | undefined,
): Promise<UpstreamResponse> {
  const headers: Record<string, string> = {
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": `devhub-api/${API_VERSION}`,
  };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  if (etag) headers["If-None-Match"] = etag;
  let response: Response;
  try {
    response = await fetch(`${settings.apiUrl}${path}`, {
      headers,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      throw new UpstreamError("timeout", `GitHub did not answer within ${settings.timeoutMs} ms`);
    }
    throw new UpstreamError("network", "GitHub could not be reached");
  }
  const rate = rateLimitHeaders(response.headers);
  const base = { etag: response.headers.get("etag"), link: response.headers.get("link"), rate };
  if (response.status === 304) {
    await response.body?.cancel();
    return { status: 304, body: "", ...base };
  }
  if (
    (response.status === 403 || response.status === 429) &&
    (rate.remaining === 0 || rate.retryAfter !== undefined)
  ) {
    await response.body?.cancel();
    const retryAfter =
      rate.retryAfter ??
      (rate.reset !== undefined ? Math.max(1, rate.reset - Math.floor(Date.now() / 1000)) : 60);
    const which = rate.remaining === 0 ? "primary" : "secondary";
    throw new UpstreamError("rate_limited", `GitHub's ${which} rate limit was hit`, retryAfter, rate);
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new UpstreamError(
      "server",
      `GitHub answered ${response.status}`,
      numberHeader(response.headers, "retry-after"),
    );
  }
  const body = await readBody(response, settings.timeoutMs);
  if (response.status === 404) return { status: 404, body: "", ...base };
  if (response.status !== 200) throw new UpstreamError("unexpected", `GitHub answered ${response.status}`);
  try {
    JSON.parse(body);
  } catch {
    throw new UpstreamError("malformed", "GitHub's response was not valid JSON");
  }
  return { status: 200, body, ...base };
}

/** The body read shares the timeout: a server that sends headers then stalls must not hang us. */
async function readBody(response: Response, timeoutMs: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      response.text(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new UpstreamError("timeout", "GitHub stalled mid-response")),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
