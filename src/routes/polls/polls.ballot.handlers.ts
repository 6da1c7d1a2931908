import type { AppRouteHandler } from "../../lib/types.ts";
import type * as routes from "./polls.ballot.routes.ts";
import { changeMyBallot, readMyBallot } from "./polls.ballot.ts";

export const getOwnBallot: AppRouteHandler<routes.GetOwnBallotRoute> = async (c) =>
  c.json(await readMyBallot(c, c.req.valid("param").id), 200);

export const replaceOwnBallot: AppRouteHandler<routes.ReplaceOwnBallotRoute> = async (c) => {
  const { id } = c.req.valid("param");
  return c.json(await changeMyBallot(c, id, c.req.valid("json").answers), 200);
};

export const withdrawOwnBallot: AppRouteHandler<routes.WithdrawOwnBallotRoute> = async (c) => {
  await changeMyBallot(c, c.req.valid("param").id, null);
  return c.body(null, 204);
};
