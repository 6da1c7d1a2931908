import { text, uuid } from "drizzle-orm/pg-core";

/**
 * Which credential created a row (notes, polls, ballots), shown to its owner: a session
 * (its refresh-token family id) or an API key (its id). Null on rows made before this was
 * kept, and on anonymous ballots.
 */
export const createdVia = {
  createdVia: text("created_via", { enum: ["session", "api_key"] }),
  createdViaId: uuid("created_via_id"),
};
