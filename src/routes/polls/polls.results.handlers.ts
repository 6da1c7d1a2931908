import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { preferred } from "../../middleware/negotiate.ts";
import { loadPoll, notModified } from "./polls.read.ts";
import { buildResults, resultsCsv } from "./polls.results.ts";
import type * as routes from "./polls.routes.ts";
import { resultsAccess, resultsHidden } from "./polls.visibility.ts";

/** Results respect the poll's visibility rule; the owner and admins always see them. */
async function visibleResults(c: Context<AppEnv>, id: string) {
  const { poll } = await loadPoll(c, id, { withCounts: true });
  const access = resultsAccess(poll, c.var.caller);
  if (access !== "visible") throw resultsHidden(access);
  return buildResults(poll);
}

async function csvResponse(c: Context<AppEnv>, id: string, csv: string) {
  c.header("Content-Disposition", `attachment; filename="poll-${id}-results.csv"`);
  if (await notModified(c, csv)) return c.body(null, 304);
  return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8; header=present" });
}

export const results: AppRouteHandler<routes.ResultsRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const data = await visibleResults(c, id);
  c.header("Vary", "Accept");
  if (preferred(c.req.header("Accept"), "application/json", "text/csv") === "text/csv")
    return csvResponse(c, id, resultsCsv(data));
  if (await notModified(c, JSON.stringify(data))) return c.body(null, 304);
  return c.json(data, 200);
};

export const resultsCsvHandler: AppRouteHandler<routes.ResultsCsvRoute> = async (c) => {
  const { id } = c.req.valid("param");
  return csvResponse(c, id, resultsCsv(await visibleResults(c, id)));
};
