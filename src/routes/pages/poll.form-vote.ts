import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { UUID_PATTERN } from "../../lib/ids.ts";
import { ApiError } from "../../lib/problem.ts";
import { castVote } from "../polls/polls.ballot.ts";
import { VoteSchema } from "../polls/polls.schemas.ts";

/** Form fields are `q.<question id>` = choice id (several for checkboxes). */
function answersFromForm(form: Record<string, string | File | (string | File)[]>) {
  return Object.entries(form)
    .filter(([name]) => name.startsWith("q."))
    .map(([name, value]) => ({
      question_id: name.slice(2),
      choice_ids: (Array.isArray(value) ? value : [value]).filter((item) => typeof item === "string"),
    }));
}

/**
 * Only what the page's own form sends. Multipart is refused: nothing of ours sends it, and a
 * malformed multipart body makes the body parser throw (which would be a 500, not a 4xx).
 */
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

/**
 * Cross-site request forgery guard: the post must come from a page of this origin, as the
 * browser itself reports it (Sec-Fetch-Site, or Origin where that header is absent). Both
 * are forbidden headers, so a script on another site cannot fake them; a request with
 * neither (old browser, non-browser client) is refused rather than trusted.
 */
function assertSameOriginForm(c: Context<AppEnv>): void {
  if (!FORM_TYPE.test(c.req.header("Content-Type") ?? "")) {
    throw new ApiError("unsupported-media-type", { detail: "Send the poll page's form (form-urlencoded)." });
  }
  const site = c.req.header("Sec-Fetch-Site");
  const origin = c.req.header("Origin");
  const sameOrigin = site ? site === "same-origin" : origin === new URL(c.req.url).origin;
  if (!sameOrigin) {
    throw new ApiError("forbidden", {
      detail: "Votes by form are accepted from this site's poll page only.",
    });
  }
}

const outcomePage = (c: Context<AppEnv>, outcome: string) =>
  // 303: the browser follows with a GET, so reloading the result page never re-posts.
  c.redirect(`/p/${c.req.param("id") ?? ""}?outcome=${encodeURIComponent(outcome)}#results`, 303);

/**
 * Runs before the route's `vote` budget (pages.index.ts): a spent budget is shown on the poll
 * page like any other vote outcome, not as a bare 429.
 */
export const formVoteOutcome: MiddlewareHandler<AppEnv> = async function formVoteOutcome(c, next) {
  await next();
  if (c.error instanceof ApiError && c.error.slug === "rate-limited") c.res = outcomePage(c, "rate-limited");
};

/**
 * POST /polls/:id/ballot — the poll page's vote without JavaScript, for anonymous voters.
 * It lives under /polls so the browser sends the voter cookie (scoped there);
 * `assertSameOriginForm` refuses posts whose Sec-Fetch-Site or Origin is not this site, so
 * another site cannot vote with a visitor's cookie. No bearer token is read here: signed-in voting
 * stays on the JSON API, which never relies on ambient credentials.
 */
export async function formVote(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  assertSameOriginForm(c);
  if (!UUID_PATTERN.test(id)) throw new ApiError("not-found", { detail: `Poll ${id} does not exist.` });
  const parsed = VoteSchema.safeParse({ answers: answersFromForm(await c.req.parseBody({ all: true })) });
  let outcome = "voted";
  if (!parsed.success) outcome = "validation-failed";
  else {
    try {
      await castVote(c, id, parsed.data.answers);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.slug === "not-found") throw error;
      outcome = error.slug;
    }
  }
  return outcomePage(c, outcome);
}
