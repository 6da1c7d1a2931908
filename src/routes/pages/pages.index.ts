import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { githubPage } from "./github.page.tsx";
import { githubLookupPage, pollsIntroPage } from "./lookup.pages.tsx";
import { formVote } from "./poll.form-vote.ts";
import { pollPage } from "./poll.page.tsx";
import { statusPage } from "./status.page.tsx";

/** HTML pages for people, on the same data as the API (see README, "Pages"). */
export const pagesRouter = new Hono<AppEnv>()
  .get("/status", statusPage)
  .get("/p", pollsIntroPage)
  .get("/p/:id", pollPage)
  .get("/gh", githubLookupPage)
  .get("/gh/:username", githubPage)
  .post("/polls/:id/ballot", formVote);
