import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { UUID_PATTERN } from "../../lib/ids.ts";
import { ApiError } from "../../lib/problem.ts";
import { refuseCrossOrigin } from "../../lib/same-origin.ts";
import { notFound } from "../polls/polls.read.ts";
import { VoteSchema } from "../polls/polls.schemas.ts";
import { castVote } from "../polls/polls.vote.ts";

type FormBody = Record<string, string | File | (string | File)[]>;
const texts = (value: FormBody[string]) =>
  (Array.isArray(value) ? value : [value]).filter((item) => typeof item === "string");

/**
 * Form fields are `q.<question id>` = choice id (several for checkboxes), and for a ranked
 * question `r.<question id>.<choice id>` = rank ("" for not ranked). `rankingValid` is false
 * when some ranked question's ranks are not 1, 2, 3… each once.
 */
function answersFromForm(form: FormBody) {
  const answers = Object.entries(form)
    .filter(([name]) => name.startsWith("q."))
    .map(([name, value]) => ({ question_id: name.slice(2), choice_ids: texts(value) }));
  const ranks = new Map<string, Array<{ choice: string; rank: number }>>();
  for (const [name, value] of Object.entries(form)) {
    const [prefix, question, choice] = name.split(".");
    if (prefix !== "r" || !question || !choice) continue;
    const given = ranks.get(question) ?? [];
    ranks.set(question, given);
    for (const text of texts(value)) if (text !== "") given.push({ choice, rank: Number(text) });
  }
  let rankingValid = true;
  for (const [question, given] of ranks) {
    given.sort((a, b) => a.rank - b.rank);
    if (!given.every(({ rank }, index) => rank === index + 1)) rankingValid = false;
    answers.push({ question_id: question, choice_ids: given.map(({ choice }) => choice) });
  }
  return { answers, rankingValid };
}

/**
 * Only what the page's own form sends. Multipart is refused: nothing of ours sends it, and a
 * malformed multipart body makes the body parser throw (which would be a 500, not a 4xx).
 */
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

/** The form's own content type, posted from this site's page (a post that does not say so is refused). */
function assertSameOriginForm(c: Context<AppEnv>): void {
  if (!FORM_TYPE.test(c.req.header("Content-Type") ?? "")) {
    throw new ApiError("unsupported-media-type", { detail: "Send the poll page's form (form-urlencoded)." });
  }
  refuseCrossOrigin(c, {
    unknown: "refuse",
    detail: "Votes by form are accepted from this site's poll page only.",
  });
}

/** At most this many choice ids travel back (20 questions × 20 choices fit). */
const MAX_PICKED = 400;

/**
 * The choice ids a failed form vote carried, so the page can check them again instead of
 * making the voter start over. Ids only (never text): the page checks an input whose value
 * is one of them, and nothing else is read from the list.
 */
export function pickedChoices(list: string | undefined): Set<string> {
  const ids = (list ?? "").split(",").slice(0, MAX_PICKED);
  return new Set(ids.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase()));
}

function outcomePage(c: Context<AppEnv>, outcome: string, picked: string[] = []) {
  const keep = picked.length
    ? `&picked=${picked.slice(0, MAX_PICKED).map(encodeURIComponent).join(",")}`
    : "";
  // 303: the browser follows with a GET, so reloading the result page never re-posts.
  return c.redirect(
    `/p/${c.req.param("id") ?? ""}?outcome=${encodeURIComponent(outcome)}${keep}#results`,
    303,
  );
}

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
 * stays on the JSON API.
 */
export async function formVote(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  assertSameOriginForm(c);
  if (!UUID_PATTERN.test(id)) throw notFound(id);
  const { answers, rankingValid } = answersFromForm(await c.req.parseBody({ all: true }));
  const parsed = VoteSchema.safeParse({ answers });
  let outcome = "voted";
  if (!rankingValid) outcome = "ranking-invalid";
  else if (!parsed.success) outcome = "validation-failed";
  else {
    try {
      await castVote(c, id, parsed.data.answers);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.slug === "not-found") throw error;
      outcome = error.slug;
    }
  }
  // A vote that did not count keeps its answers on the page (already-voted has nothing to redo).
  const keep = outcome === "voted" || outcome === "already-voted" ? [] : answers.flatMap((a) => a.choice_ids);
  return outcomePage(
    c,
    outcome,
    keep.filter((id) => UUID_PATTERN.test(id)),
  );
}
