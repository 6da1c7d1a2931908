import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { limits } from "../../middleware/limits.ts";
import { githubPage } from "./github.page.tsx";
import { githubLookupPage, pollsIntroPage } from "./lookup.pages.tsx";
import { formVote, formVoteOutcome } from "./poll.form-vote.ts";
import { newPollPage } from "./poll.new.page.tsx";
import { pollPage } from "./poll.page.tsx";
import { statusPage } from "./status.page.tsx";

/**
 * HTML pages for people, on the same data as the API (see docs/pages.md). They are not in
 * the OpenAPI document, but spend the same budgets as the API routes they stand beside.
 */
export const pagesRouter = new Hono<AppEnv>()
  .get("/status", statusPage)
  .get("/p", pollsIntroPage)
  // Before /p/:id, which would answer "new" with its not-found page.
  .get("/p/new", newPollPage)
  .get("/p/:id", pollPage)
  .get("/gh", githubLookupPage)
  .get("/gh/:username", limits("github", "github_upstream").middleware, githubPage)
  .post("/polls/:id/ballot", formVoteOutcome, limits("vote").middleware, formVote);
