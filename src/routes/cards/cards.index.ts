import { createRouter } from "../../lib/openapi.ts";
import { upstreamAccounting } from "../github/github.quota.ts";
import * as handlers from "./cards.handlers.ts";
import { errorCards } from "./cards.respond.ts";
import * as routes from "./cards.routes.ts";

/** Embeddable SVG cards: GitHub profile stats, top languages, a repository pin, poll results. */
export const cardsRouter = createRouter();
cardsRouter.use("/cards/*", errorCards());
cardsRouter.use("/cards/github/*", upstreamAccounting());
cardsRouter
  .openapi(routes.statsCardRoute, handlers.statsCardHandler)
  .openapi(routes.languagesCardRoute, handlers.languagesCardHandler)
  .openapi(routes.pinCardRoute, handlers.pinCardHandler)
  .openapi(routes.pollCardRoute, handlers.pollCardHandler);
