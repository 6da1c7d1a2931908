import { z } from "@hono/zod-openapi";
import { CreatedBySchema } from "../../audit/created-by.schema.ts";
import { storableDateTime } from "../../lib/datetime.ts";
import {
  booleanQuery,
  cursorQuery,
  int32,
  integerQuery,
  limitQuery,
  trimmedText,
  uuidSchema,
} from "../../lib/schemas.ts";
import { RankedResultSchema } from "./polls.irv.schemas.ts";

const allowVoteChanges = z.boolean().openapi({
  description:
    "Whether voters may replace (`PUT /polls/{id}/votes/mine`) or withdraw (`DELETE`) their ballot while the poll is open.",
});

const futureDate = storableDateTime().refine((value) => Date.parse(value) > Date.now(), {
  message: "Must be in the future.",
});

const questionKind = z.enum(["single", "multiple", "ranked"]).openapi({
  description:
    "`single`: one choice. `multiple`: up to `max_selections` choices. `ranked`: the voter orders some or all " +
    "choices (`choice_ids` first preference first); results add the instant-runoff rounds.",
});

const ChoiceInputSchema = z.strictObject({ label: trimmedText(200) });

export const QuestionInputSchema = z
  .strictObject({
    prompt: trimmedText(500),
    kind: questionKind.default("single"),
    max_selections: int32(1, 20).optional().openapi({
      description:
        "For `multiple`: how many choices a voter may pick; for `ranked`: how many they may rank (default: all). Must be 1 for `single`.",
    }),
    choices: z
      .array(ChoiceInputSchema)
      .min(2, { message: "At least 2 choices." })
      .max(20, { message: "At most 20 choices." }),
  })
  .superRefine((question, ctx) => {
    if (
      question.kind === "single" &&
      question.max_selections !== undefined &&
      question.max_selections !== 1
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["max_selections"],
        message: "A single-choice question allows exactly 1.",
      });
    }
    if (question.max_selections !== undefined && question.max_selections > question.choices.length) {
      ctx.addIssue({
        code: "custom",
        path: ["max_selections"],
        message: "Cannot exceed the number of choices.",
      });
    }
    const labels = question.choices.map((choice) => choice.label.toLowerCase());
    labels.forEach((label, index) => {
      if (labels.indexOf(label) !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["choices", index, "label"],
          message: "Duplicate choice in this question.",
        });
      }
    });
  });

const QuestionsSchema = z
  .array(QuestionInputSchema)
  .min(1, { message: "At least 1 question." })
  .max(20, { message: "At most 20 questions." });

export const CreatePollSchema = z
  .strictObject({
    title: trimmedText(200),
    description: trimmedText(2000, { allowEmpty: true }).default(""),
    closes_at: futureDate.optional(),
    voters: z.enum(["authenticated", "anonymous", "invited"]).default("authenticated").openapi({
      description:
        "`authenticated`: one vote per account. `anonymous`: one per browser (signed cookie), capped per address. `invited`: one per invitation (`POST /polls/{id}/invites`), no account needed.",
    }),
    results_visibility: z.enum(["always", "after_vote", "after_close"]).default("always"),
    max_votes_per_ip: int32(1, 100_000).default(10).openapi({
      description: "Anonymous polls: ballots allowed per client address (an office NAT shares one).",
    }),
    allow_vote_changes: allowVoteChanges.default(true),
    questions: QuestionsSchema,
  })
  .openapi("CreatePoll");

export const UpdatePollSchema = z
  .strictObject({
    title: trimmedText(200).optional(),
    description: trimmedText(2000, { allowEmpty: true }).optional(),
    closes_at: futureDate.nullable().optional().openapi({ description: "null removes the deadline." }),
    allow_vote_changes: allowVoteChanges.optional(),
    questions: QuestionsSchema.optional().openapi({
      description: "Replaces all questions; only before the first vote.",
    }),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: "Send at least one field to change.",
  })
  .openapi("UpdatePoll", { minProperties: 1 });

/**
 * Ids as the database compares them: a UUID in capitals is the same id, so one answer's
 * `[id, ID]` is a repeated choice (422) rather than two rows with one key (a 500).
 */
const answerId = () => uuidSchema().overwrite((id) => id.toLowerCase());

export const VoteSchema = z
  .strictObject({
    answers: z
      .array(
        z.strictObject({
          question_id: answerId(),
          choice_ids: z
            .array(answerId())
            .min(1, { message: "Pick at least one choice." })
            .max(20, { message: "At most 20 choices." })
            .openapi({
              description: "For a `ranked` question: in the voter's order, first preference first.",
            }),
        }),
      )
      .min(1, { message: "Answer every question." })
      .max(20, { message: "A poll has at most 20 questions." }),
  })
  .superRefine((vote, ctx) => {
    const questions = new Set<string>();
    vote.answers.forEach((answer, index) => {
      if (questions.has(answer.question_id)) {
        ctx.addIssue({
          code: "custom",
          path: ["answers", index, "question_id"],
          message: "Question answered twice.",
        });
      }
      questions.add(answer.question_id);
      const seen = new Set<string>();
      answer.choice_ids.forEach((choice, choiceIndex) => {
        if (seen.has(choice)) {
          ctx.addIssue({
            code: "custom",
            path: ["answers", index, "choice_ids", choiceIndex],
            message: "Repeated choice.",
          });
        }
        seen.add(choice);
      });
    });
  })
  .openapi("Vote");

const ChoiceSchema = z.object({ id: z.uuid(), position: z.number().int(), label: z.string() });
const QuestionSchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  prompt: z.string(),
  kind: questionKind,
  max_selections: z.number().int(),
  choices: z.array(ChoiceSchema),
});

export const PollSchema = z
  .object({
    id: z.uuid(),
    owner_id: z.uuid().optional().openapi({ description: "Shown to the poll's owner and to admins only." }),
    created_by: CreatedBySchema.optional().openapi({
      description:
        "The credential that created the poll (null: unknown, created before this was recorded). Shown to the poll's owner and to admins only.",
    }),
    title: z.string(),
    description: z.string(),
    voters: z.enum(["authenticated", "anonymous", "invited"]),
    results_visibility: z.enum(["always", "after_vote", "after_close"]),
    max_votes_per_ip: z.number().int(),
    allow_vote_changes: z.boolean(),
    status: z.enum(["open", "closed"]),
    closes_at: z.iso.datetime().nullable(),
    closed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    has_voted: z.boolean(),
    questions: z.array(QuestionSchema),
  })
  .openapi("Poll");

export const PollSummarySchema = PollSchema.omit({ questions: true, has_voted: true })
  .extend({
    total_voters: z.number().int().optional().openapi({ description: "Vote statistics listings only." }),
    question_totals: z
      .array(z.object({ id: z.uuid(), prompt: z.string(), voters: z.number().int() }))
      .optional()
      .openapi({ description: "Vote statistics listings only: voters per question, in order." }),
    results_csv: z
      .string()
      .optional()
      .openapi({ description: "Vote statistics listings only: the CSV export (totals and percentages)." }),
  })
  .openapi("PollSummary");

export const PollListSchema = z
  .object({ items: z.array(PollSummarySchema), next_cursor: z.string().nullable() })
  .openapi("PollList");

export const ListPollsQuerySchema = z.object({
  limit: limitQuery(),
  cursor: cursorQuery(),
  status: z.enum(["open", "closed"]).optional(),
  mine: booleanQuery(false).openapi({ description: "Only the caller's polls (needs a bearer token)." }),
  sort: z.enum(["created", "votes"]).default("created").openapi({
    description:
      "`votes`: most voters first, with vote statistics. Needs a bearer token; lists the caller's polls (an admin's: everyone's).",
  }),
  min_votes: integerQuery(0, 1_000_000_000).optional().openapi({
    format: "int32",
    description: "Only polls with at least this many voters; like `sort=votes`, a statistics listing.",
  }),
});

export const ResultsSchema = z
  .object({
    poll_id: z.uuid(),
    title: z.string(),
    status: z.enum(["open", "closed"]),
    total_voters: z.number().int(),
    questions: z.array(
      z.object({
        id: z.uuid(),
        prompt: z.string(),
        kind: questionKind,
        voters: z.number().int(),
        choices: z
          .array(z.object({ id: z.uuid(), label: z.string(), votes: z.number().int(), percent: z.number() }))
          .openapi({ description: "For a `ranked` question: first preferences (`percent` sums to 100)." }),
        ranked: RankedResultSchema.optional().openapi({ description: "Ranked questions only." }),
      }),
    ),
  })
  .openapi("PollResults");

/** The CSV export: RFC 4180, UTF-8 with a BOM, a header row, then one row per choice. */
export const ResultsCsvSchema = z.string().openapi("PollResultsCsv", {
  description:
    "CSV (RFC 4180, UTF-8 with BOM): one row per choice. With a ranked question, two more columns (`round`, " +
    "`outcome`) and, for that question, one row per choice per instant-runoff round plus its exhausted ballots.",
});

/**
 * The `dh_voter` cookie the server sets (`<id>.<signature>`, 66 characters). It is ours, not
 * the client's input: a value this API did not issue (an over-long one included) is a
 * forgery, which the vote answers with `invalid-voter-cookie` and a fresh cookie and the
 * reads ignore (polls.voter.ts). So the bound is published but not checked here, where a
 * longer value would be a 422 on every route that reads the cookie.
 */
export const VoterCookieSchema = z.object({
  dh_voter: z
    .string()
    .optional()
    .openapi({
      maxLength: 128,
      description:
        "Set by this API on anonymous polls; marks the browser as one voter. A value it did not issue " +
        "(altered, or longer than this) is treated as forged.",
    }),
});

export const BallotSchema = z.object({ ballot_id: z.uuid(), poll_id: z.uuid() }).openapi("Ballot");

export type CreatePollInput = z.infer<typeof CreatePollSchema>;
export type QuestionInput = z.infer<typeof QuestionInputSchema>;
export type ListPollsQuery = z.infer<typeof ListPollsQuerySchema>;
export type UpdatePollInput = z.infer<typeof UpdatePollSchema>;
export type VoteInput = z.infer<typeof VoteSchema>;

/** The shapes clients see: inferred from the published schemas, never restated. */
export type Poll = z.infer<typeof PollSchema>;
export type PollSummary = z.infer<typeof PollSummarySchema>;
export type PollList = z.infer<typeof PollListSchema>;
export type PollResults = z.infer<typeof ResultsSchema>;
export type Ballot = z.infer<typeof BallotSchema>;
