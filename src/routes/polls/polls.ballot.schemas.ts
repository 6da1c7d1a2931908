import { z } from "@hono/zod-openapi";
import { CreatedBySchema } from "../../audit/created-by.schema.ts";

/** The caller's own ballot (`GET /polls/{id}/votes/mine`): what they answered, and whether it may still change. */
export const OwnBallotSchema = z
  .object({
    ballot_id: z.uuid(),
    poll_id: z.uuid(),
    cast_at: z.iso.datetime(),
    changed_at: z.iso.datetime().nullable().openapi({ description: "When the answers were last replaced." }),
    can_change: z.boolean().openapi({
      description:
        "The poll is open and allows vote changes: `PUT` and `DELETE` on this ballot will be accepted.",
    }),
    created_by: CreatedBySchema.openapi({
      description:
        "The credential that cast this ballot: `session`, `api_key` (with its id), or `none` (an anonymous voter); null: unknown, cast before this was recorded.",
    }),
    answers: z.array(z.object({ question_id: z.uuid(), choice_ids: z.array(z.uuid()) })).openapi({
      description:
        "One entry per question in the poll's order; choices in the question's order (a `ranked` question's in the voter's order).",
    }),
  })
  .openapi("OwnBallot");

export type OwnBallot = z.infer<typeof OwnBallotSchema>;
