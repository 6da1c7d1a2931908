import { API_VERSION } from "../version.ts";
import type { GithubSettings } from "./settings.ts";

/** How GitHub failed us; decides the status we answer with when nothing stale is left. */
export type UpstreamFailure =
  | "timeout"
  | "server"
  | "rate_limited"
  | "malformed"
  | "network"
  | "too_large"
  | "unexpected";

/**
 * Upstream retry hints are clamped to 1 s – 1 h: one hostile or broken header
 * (`x-ratelimit-reset: 99999999999`, `retry-after: -5`) must not block GitHub for everyone
 * for centuries, nor produce an invalid `Retry-After` of our own.
 */
const MIN_RETRY_SECONDS = 1;
export const MAX_RETRY_SECONDS = 3600;

export function clampRetrySeconds(seconds: number | undefined, fallback = 60): number {
  const value = seconds === undefined || !Number.isFinite(seconds) ? fallback : Math.ceil(seconds);
  return Math.min(MAX_RETRY_SECONDS, Math.max(MIN_RETRY_SECONDS, value));
}

export class UpstreamError extends Error {
  readonly kind: UpstreamFailure;
  readonly retryAfterSeconds?: number;
  readonly rate?: GithubQuota;

  constructor(kind: UpstreamFailure, message: string, retryAfterSeconds?: number, rate?: GithubQuota) {
    super(message);
    this.name = "UpstreamError";
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rate = rate;
  }
}

export interface GithubQuota {
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
  rate: GithubQuota;
}

const numberHeader = (headers: Headers, name: string) => {
  const value = headers.get(name);
  return value === null || value === "" || Number.isNaN(Number(value)) ? undefined : Number(value);
};

/** GitHub's quota as its `x-ratelimit-*` and `retry-after` headers report it. */
export function githubQuota(headers: Headers): GithubQuota {
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
  deadlineAt = Number.POSITIVE_INFINITY,
): Promise<UpstreamResponse> {
  // Each call gets the per-request timeout, shortened to what is left of the overall deadline.
  const timeoutMs = Math.min(settings.timeoutMs, deadlineAt - Date.now());
  if (timeoutMs <= 0) throw new UpstreamError("timeout", "GitHub's overall deadline has passed");
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
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw asUpstreamError(error, `GitHub did not answer within ${timeoutMs} ms`);
  }
  const rate = githubQuota(response.headers);
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
    const retryAfter = clampRetrySeconds(
      rate.retryAfter ?? (rate.reset !== undefined ? rate.reset - Math.floor(Date.now() / 1000) : undefined),
    );
    const which = rate.remaining === 0 ? "primary" : "secondary";
    throw new UpstreamError("rate_limited", `GitHub's ${which} rate limit was hit`, retryAfter, rate);
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    const hint = numberHeader(response.headers, "retry-after");
    throw new UpstreamError(
      "server",
      `GitHub answered ${response.status}`,
      hint === undefined ? undefined : clampRetrySeconds(hint),
    );
  }
  const body = await readBody(response, timeoutMs, settings.maxBodyBytes);
  if (response.status === 404) return { status: 404, body: "", ...base };
  if (response.status !== 200) throw new UpstreamError("unexpected", `GitHub answered ${response.status}`);
  try {
    JSON.parse(body);
  } catch {
    throw new UpstreamError("malformed", "GitHub's response was not valid JSON");
  }
  return { status: 200, body, ...base };
}

/** Any failure while talking to GitHub as an UpstreamError (a 502/504 later, never a 500). */
function asUpstreamError(error: unknown, timeoutMessage: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return new UpstreamError("timeout", timeoutMessage);
  return new UpstreamError("network", "The connection to GitHub failed");
}

/**
 * Reads the body as a stream under the same timeout, counting bytes: past `maxBytes` the
 * read stops at once (a 300 MB answer would otherwise be buffered whole, far past the
 * isolate's 128 MB), and a body that stalls or breaks off becomes a timeout or network error.
 */
async function readBody(response: Response, timeoutMs: number, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new UpstreamError("too_large", `GitHub's answer exceeds ${maxBytes} bytes`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamError("timeout", "GitHub stalled mid-response")), timeoutMs);
  });
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stalled]);
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) throw new UpstreamError("too_large", `GitHub's answer exceeds ${maxBytes} bytes`);
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw asUpstreamError(error, "GitHub stalled mid-response");
  } finally {
    clearTimeout(timer);
  }
}
