/** Polls, their questions and choices, ballots and answers, and the vote counters. */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./schema.accounts.ts";
import { createdByColumns, createdByColumnsFromSettings } from "./schema.created-by.ts";

// Generic in the name so the column keeps it as a literal type (src/db/columns.ts relies on it).
const ms = <Name extends string>(name: Name) =>
  timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

export const polls = pgTable(
  "polls",
  {
    id: uuid("id").primaryKey(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    voters: text("voters", { enum: ["authenticated", "anonymous", "invited"] }).notNull(),
    resultsVisibility: text("results_visibility", {
      enum: ["always", "after_vote", "after_close"],
    }).notNull(),
    /** Anonymous polls: at most this many ballots per (hashed) client address. */
    maxVotesPerIp: integer("max_votes_per_ip").notNull().default(10),
    /** Whether a voter may replace or withdraw their ballot while the poll is open. */
    allowVoteChanges: boolean("allow_vote_changes").notNull().default(true),
    closesAt: ms("closes_at"),
    /** Set by an early close; a poll is closed once this is set or closes_at has passed. */
    closedAt: ms("closed_at"),
    createdAt: ms("created_at").notNull().defaultNow(),
    updatedAt: ms("updated_at").notNull().defaultNow(),
    deletedAt: ms("deleted_at"),
    ...createdByColumns(),
  },
  (table) => [
    index("polls_created_idx").on(table.createdAt, table.id).where(sql`deleted_at IS NULL`),
    index("polls_owner_idx").on(table.ownerId, table.createdAt, table.id),
  ],
);

export const pollQuestions = pgTable(
  "poll_questions",
  {
    id: uuid("id").primaryKey(),
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    prompt: text("prompt").notNull(),
    /** `ranked`: a ballot orders some or all choices (instant-runoff results). */
    kind: text("kind", { enum: ["single", "multiple", "ranked"] }).notNull(),
    maxSelections: integer("max_selections").notNull(),
  },
  // Not unique: replacing a poll's questions deletes and inserts in one statement.
  (table) => [index("poll_questions_poll_idx").on(table.pollId, table.position)],
);

export const pollChoices = pgTable(
  "poll_choices",
  {
    id: uuid("id").primaryKey(),
    questionId: uuid("question_id")
      .notNull()
      .references(() => pollQuestions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    label: text("label").notNull(),
  },
  (table) => [
    uniqueIndex("poll_choices_question_position_key").on(table.questionId, table.position),
    // Target of the answers' composite foreign key: a choice must belong to the answered question.
    uniqueIndex("poll_choices_question_id_key").on(table.questionId, table.id),
  ],
);

/**
 * Invitations to an invite-only poll (`voters = 'invited'`): one ballot each, cast under the
 * voter key `invite:<id>`. Only a SHA-256 of the token is kept; the token is shown once.
 */
export const pollInvites = pgTable(
  "poll_invites",
  {
    id: uuid("id").primaryKey(),
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    label: text("label"),
    createdAt: ms("created_at").notNull().defaultNow(),
    /** When its ballot was first cast (null: unused). */
    usedAt: ms("used_at"),
    /** Once set, the token admits nothing again (its ballot, if cast, still counts). */
    revokedAt: ms("revoked_at"),
  },
  (table) => [
    uniqueIndex("poll_invites_token_key").on(table.tokenHash),
    index("poll_invites_poll_idx").on(table.pollId, table.createdAt, table.id),
  ],
);

/** One row per voter per poll; the unique key is what makes "one vote per voter" race-free. */
export const pollBallots = pgTable(
  "poll_ballots",
  {
    id: uuid("id").primaryKey(),
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    /** `user:<id>` or `cookie:<id>`; never an address. */
    voterKey: text("voter_key").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** HMAC of the client address keyed per poll; the raw address is never stored. */
    ipHash: text("ip_hash"),
    createdAt: ms("created_at").notNull().defaultNow(),
    /** When the voter last replaced their answers (null: as cast). */
    changedAt: ms("changed_at"),
    ...createdByColumnsFromSettings(),
  },
  (table) => [
    uniqueIndex("poll_ballots_voter_key").on(table.pollId, table.voterKey),
    index("poll_ballots_ip_idx").on(table.pollId, table.ipHash),
  ],
);

export const pollAnswers = pgTable(
  "poll_answers",
  {
    ballotId: uuid("ballot_id")
      .notNull()
      .references(() => pollBallots.id, { onDelete: "cascade" }),
    pollId: uuid("poll_id").notNull(),
    questionId: uuid("question_id").notNull(),
    choiceId: uuid("choice_id").notNull(),
    /** Ranked questions: the choice's place in the voter's order (1 = first preference); else null. */
    rank: smallint("rank"),
  },
  (table) => [
    primaryKey({ columns: [table.ballotId, table.choiceId] }),
    foreignKey({
      columns: [table.questionId, table.choiceId],
      foreignColumns: [pollChoices.questionId, pollChoices.id],
    }).onDelete("cascade"),
    index("poll_answers_choice_idx").on(table.choiceId),
    index("poll_answers_question_idx").on(table.questionId, table.ballotId),
  ],
);

/**
 * Vote counters kept by `cast_ballot` in the same statement as the ballot (migration 0007).
 * Each ballot adds 1 to one of COUNT_SHARDS rows per key, picked per ballot, so a poll where
 * everyone picks the same choice spreads its writes over several rows; readers sum the shards.
 */
const countShard = (name: string) => smallint(name).notNull();

export const pollCountShards = pgTable(
  "poll_count_shards",
  {
    pollId: uuid("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    shard: countShard("shard"),
    ballots: bigint("ballots", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.pollId, table.shard] })],
);

export const pollQuestionCountShards = pgTable(
  "poll_question_count_shards",
  {
    questionId: uuid("question_id")
      .notNull()
      .references(() => pollQuestions.id, { onDelete: "cascade" }),
    shard: countShard("shard"),
    voters: bigint("voters", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.questionId, table.shard] })],
);

export const pollChoiceCountShards = pgTable(
  "poll_choice_count_shards",
  {
    choiceId: uuid("choice_id")
      .notNull()
      .references(() => pollChoices.id, { onDelete: "cascade" }),
    shard: countShard("shard"),
    votes: bigint("votes", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.choiceId, table.shard] })],
);

/**
 * Ranked questions: how many ballots rank the choices in exactly this order (choice ids, first
 * preference first), kept by `cast_ballot` and `change_ballot` (migrations/0014_ranked_choice.sql)
 * in the casting statement. The instant-runoff count reads these rows, one per distinct ranking
 * and shard, never the ballots. Sharded like the counters above: a popular ranking is a hot row.
 */
export const pollRankingCountShards = pgTable(
  "poll_ranking_count_shards",
  {
    questionId: uuid("question_id")
      .notNull()
      .references(() => pollQuestions.id, { onDelete: "cascade" }),
    ranking: uuid("ranking").array().notNull(),
    shard: countShard("shard"),
    ballots: bigint("ballots", { mode: "number" }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.questionId, table.ranking, table.shard] })],
);
