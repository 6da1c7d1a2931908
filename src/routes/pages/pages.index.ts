import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { githubPage } from "./github.page.tsx";
import { formVote } from "./poll.form-vote.ts";
import { pollPage } from "./poll.page.tsx";
import { statusPage } from "./status.page.tsx";

/** HTML pages for people, on the same data as the API (docs/pages.md). */
export const pagesRouter = new Hono<AppEnv>()
  .get("/status", statusPage)
  .get("/p/:id", pollPage)
  .get("/gh/:username", githubPage)
  .post("/polls/:id/ballot", formVote);
