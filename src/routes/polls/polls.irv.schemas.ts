import { z } from "@hono/zod-openapi";

const RoundSchema = z.object({
  round: z.number().int().openapi({ description: "1 for the first preferences." }),
  continuing_ballots: z.number().int().openapi({
    description: "Ballots whose highest-ranked choice still in the count is one of `counts`.",
  }),
  exhausted_ballots: z.number().int().openapi({
    description:
      "Ballots none of whose ranked choices is still in the count (all exhausted by this round, not only newly).",
  }),
  counts: z
    .array(z.object({ choice_id: z.uuid(), votes: z.number().int() }))
    .openapi({ description: "The choices still in the count, in the question's order." }),
  eliminated: z
    .uuid()
    .nullable()
    .openapi({ description: "Dropped after this round (null on the last round)." }),
  tie_break: z
    .enum(["earlier_rounds", "position"])
    .nullable()
    .openapi({
      description:
        "How a tie for fewest votes was settled: by the counts of the earlier rounds, or by the choices' order. " +
        "Null when nothing needed settling.",
    }),
});

/** The instant-runoff count of a ranked question (src/routes/polls/polls.irv.ts). */
export const RankedResultSchema = z
  .object({
    outcome: z.enum(["winner", "tie", "no_ballots"]),
    winner: z.uuid().nullable().openapi({
      description: "The choice holding more than half the continuing ballots (or the last one left).",
    }),
    tied: z.array(z.uuid()).openapi({
      description: "When every choice still in the count has the same number of votes: those choices.",
    }),
    rounds: z.array(RoundSchema),
  })
  .openapi("RankedResult", {
    description:
      "Instant-runoff voting. Each round gives every continuing ballot to its highest-ranked choice still in the " +
      "count. A choice with more than half of the continuing ballots wins. Otherwise the choice with the fewest " +
      "votes is dropped; a tie for fewest drops the one with fewer votes in the round before, then the one " +
      "before that, back to the first preferences, and then the one listed last. When every choice left has the " +
      "same number of votes, the result is a tie between them.",
  });

export type RankedResult = z.infer<typeof RankedResultSchema>;
export type RankedRound = RankedResult["rounds"][number];
