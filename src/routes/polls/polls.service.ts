import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { pageOf } from "../../lib/pagination.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { CreatePollInput, ListPollsQuery, QuestionInput } from "./polls.schemas.ts";

export interface ChoiceRow {
  id: string;
  position: number;
  label: string;
  votes?: number;
}

export interface QuestionRow {
  id: string;
  position: number;
  prompt: string;
  kind: "single" | "multiple";
  max_selections: number;
  voters?: number;
  choices: ChoiceRow[];
}

export interface PollRecord {
  id: string;
  owner_id: string;
  title: string;
  description: string;
  voters: "authenticated" | "anonymous";
  results_visibility: "always" | "after_vote" | "after_close";
  max_votes_per_ip: number;
  status: "open" | "closed";
  closes_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Open/closed as the database clock sees it, so every reader agrees with the vote check. */
export const STATUS_SQL = sql.raw(
  "CASE WHEN p.closed_at IS NOT NULL OR (p.closes_at IS NOT NULL AND p.closes_at <= now()) THEN 'closed' ELSE 'open' END",
);
export const POLL_COLUMNS = sql`p.id, p.owner_id, p.title, p.description, p.voters, p.results_visibility, p.max_votes_per_ip,
  p.closes_at, p.closed_at, p.created_at, p.updated_at, ${STATUS_SQL} AS status`;

export function pollRecord(row: Record<string, unknown>): PollRecord {
  return {
    id: String(row.id),
    owner_id: String(row.owner_id),
    title: String(row.title),
    description: String(row.description),
    voters: row.voters as PollRecord["voters"],
    results_visibility: row.results_visibility as PollRecord["results_visibility"],
    max_votes_per_ip: Number(row.max_votes_per_ip),
    status: row.status as PollRecord["status"],
    closes_at: toIsoOrNull(row.closes_at),
    closed_at: toIsoOrNull(row.closed_at),
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
  };
}

/** Flattens the nested questions/choices into parallel arrays for one set-based insert each. */
function structureArrays(pollId: string, questions: QuestionInput[], guard: SQL) {
  const q = {
    ids: [] as string[],
    positions: [] as number[],
    prompts: [] as string[],
    kinds: [] as string[],
    max: [] as number[],
  };
  const c = {
    ids: [] as string[],
    questionIds: [] as string[],
    positions: [] as number[],
    labels: [] as string[],
  };
  questions.forEach((question, index) => {
    const id = uuidv7();
    q.ids.push(id);
    q.positions.push(index + 1);
    q.prompts.push(question.prompt);
    q.kinds.push(question.kind);
    q.max.push(question.kind === "single" ? 1 : (question.max_selections ?? question.choices.length));
    question.choices.forEach((choice, choiceIndex) => {
      c.ids.push(uuidv7());
      c.questionIds.push(id);
      c.positions.push(choiceIndex + 1);
      c.labels.push(choice.label);
    });
  });
  const insertQuestions = sql`INSERT INTO poll_questions (id, poll_id, position, prompt, kind, max_selections)
    SELECT q.id, ${pollId}::uuid, q.position, q.prompt, q.kind, q.max_selections
    FROM unnest(${sql.param(q.ids)}::uuid[], ${sql.param(q.positions)}::int[], ${sql.param(q.prompts)}::text[],
                ${sql.param(q.kinds)}::text[], ${sql.param(q.max)}::int[]) AS q(id, position, prompt, kind, max_selections)
    WHERE ${guard}
    RETURNING id`;
  const insertChoices = sql`INSERT INTO poll_choices (id, question_id, position, label)
    SELECT c.id, c.question_id, c.position, c.label
    FROM unnest(${sql.param(c.ids)}::uuid[], ${sql.param(c.questionIds)}::uuid[], ${sql.param(c.positions)}::int[],
                ${sql.param(c.labels)}::text[]) AS c(id, question_id, position, label)
    WHERE ${guard}
    RETURNING id`;
  return { insertQuestions, insertChoices };
}

/** The poll, its questions and its choices in one statement: one round trip, atomic. */
export async function createPoll(db: Database, ownerId: string, input: CreatePollInput): Promise<string> {
  const id = uuidv7();
  const { insertQuestions, insertChoices } = structureArrays(
    id,
    input.questions,
    sql`EXISTS (SELECT 1 FROM poll)`,
  );
  await queryRows(
    db,
    sql`WITH poll AS (
          INSERT INTO polls (id, owner_id, title, description, voters, results_visibility, max_votes_per_ip, closes_at)
          VALUES (${id}, ${ownerId}, ${input.title}, ${input.description}, ${input.voters}, ${input.results_visibility},
                  ${input.max_votes_per_ip}, ${input.closes_at ?? null}::timestamptz)
          RETURNING id
        ), questions AS (${insertQuestions}), choices AS (${insertChoices})
        SELECT (SELECT count(*) FROM poll) AS polls`,
  );
  return id;
}

/**
 * A poll with its questions and choices (and per-choice vote counts when asked), plus
 * whether any of the caller's voter keys has a ballot: one round trip.
 */
export async function getPoll(
  db: Database,
  id: string,
  voterKeys: string[],
  { withCounts = false }: { withCounts?: boolean } = {},
): Promise<
  (PollRecord & { has_voted: boolean; total_voters: number; questions: QuestionRow[] }) | undefined
> {
  // Counts come from the shard rows cast_ballot maintains (migration 0007): a handful of
  // rows per choice whatever the number of ballots, never a recount of poll_answers.
  const counts = withCounts
    ? {
        choice: sql`, (SELECT coalesce(sum(s.votes), 0) FROM poll_choice_count_shards s WHERE s.choice_id = c.id)::int AS votes`,
        question: sql`,
        (SELECT coalesce(sum(s.voters), 0) FROM poll_question_count_shards s WHERE s.question_id = q.id)::int AS voters`,
      }
    : { choice: sql``, question: sql`` };
  const [row] = await queryRows(
    db,
    sql`SELECT ${POLL_COLUMNS},
          EXISTS (SELECT 1 FROM poll_ballots b WHERE b.poll_id = p.id AND b.voter_key = ANY(${sql.param(voterKeys)}::text[])) AS has_voted,
          ${withCounts ? sql`(SELECT coalesce(sum(s.ballots), 0) FROM poll_count_shards s WHERE s.poll_id = p.id)::int` : sql`0`} AS total_voters,
          coalesce((
            SELECT json_agg(question ORDER BY question.position) FROM (
              SELECT q.id, q.position, q.prompt, q.kind, q.max_selections ${counts.question},
                (SELECT json_agg(choice ORDER BY choice.position) FROM (
                   SELECT c.id, c.position, c.label ${counts.choice} FROM poll_choices c WHERE c.question_id = q.id
                 ) choice) AS choices
              FROM poll_questions q WHERE q.poll_id = p.id
            ) question
          ), '[]'::json) AS questions
        FROM polls p WHERE p.id = ${id} AND p.deleted_at IS NULL`,
  );
  if (!row) return undefined;
  return {
    ...pollRecord(row),
    has_voted: Boolean(row.has_voted),
    total_voters: Number(row.total_voters),
    questions: row.questions as QuestionRow[],
  };
}

export interface PollsPosition {
  created_at: string;
  id: string;
}

/** What every poll listing filters on: not deleted, the owner (`mine`, stats) and the status. */
export function pollListFilters(query: ListPollsQuery, ownerId: string | undefined): SQL[] {
  const where: SQL[] = [sql`p.deleted_at IS NULL`];
  if (ownerId) where.push(sql`p.owner_id = ${ownerId}`);
  if (query.status) where.push(sql`${STATUS_SQL} = ${query.status}`);
  return where;
}

export async function listPolls(
  db: Database,
  query: ListPollsQuery,
  ownerId: string | undefined,
  after: PollsPosition | undefined,
) {
  const where = pollListFilters(query, ownerId);
  if (after) where.push(sql`(p.created_at, p.id) < (${after.created_at}::timestamptz, ${after.id}::uuid)`);
  const rows = await queryRows(
    db,
    sql`SELECT ${POLL_COLUMNS} FROM polls p WHERE ${sql.join(where, sql` AND `)}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(pollRecord), query.limit, (last) => ({ created_at: last.created_at, id: last.id }));
}

export type UpdateOutcome = "updated" | "not_found" | "forbidden" | "has_votes";

/**
 * Edits in one statement. Replacing questions locks the poll row (votes hold a share lock
 * on it), so a first vote and a structure edit cannot interleave: the edit either sees no
 * ballots and wins, or sees one and changes nothing (409).
 */
export async function updatePoll(
  db: Database,
  id: string,
  ownerId: string,
  patch: { title?: string; description?: string; closes_at?: string | null; questions?: QuestionInput[] },
): Promise<UpdateOutcome> {
  const set: SQL[] = [sql`updated_at = now()`];
  if (patch.title !== undefined) set.push(sql`title = ${patch.title}`);
  if (patch.description !== undefined) set.push(sql`description = ${patch.description}`);
  if (patch.closes_at !== undefined) set.push(sql`closes_at = ${patch.closes_at}::timestamptz`);
  const structure = patch.questions
    ? structureArrays(id, patch.questions, sql`EXISTS (SELECT 1 FROM updated)`)
    : undefined;
  const [row] = await queryRows<{ found: boolean; owner_ok: boolean; has_votes: boolean; updated: number }>(
    db,
    sql`WITH target AS (
          SELECT p.id, p.owner_id = ${ownerId} AS owner_ok,
                 EXISTS (SELECT 1 FROM poll_ballots b WHERE b.poll_id = p.id) AS has_votes
          FROM polls p WHERE p.id = ${id} AND p.deleted_at IS NULL
          FOR UPDATE
        ), allowed AS (
          SELECT id FROM target WHERE owner_ok ${structure ? sql`AND NOT has_votes` : sql``}
        ), updated AS (
          UPDATE polls SET ${sql.join(set, sql`, `)} WHERE id = (SELECT id FROM allowed) RETURNING id
        )
        ${
          structure
            ? sql`, removed AS (DELETE FROM poll_questions WHERE poll_id = (SELECT id FROM updated) RETURNING id),
              questions AS (${structure.insertQuestions}), choices AS (${structure.insertChoices})`
            : sql``
        }
        SELECT EXISTS (SELECT 1 FROM target) AS found, coalesce((SELECT owner_ok FROM target), false) AS owner_ok,
               coalesce((SELECT has_votes FROM target), false) AS has_votes, (SELECT count(*) FROM updated)::int AS updated`,
  );
  if (!row?.found) return "not_found";
  if (!row.owner_ok) return "forbidden";
  if (row.updated === 0) return "has_votes";
  return "updated";
}

export async function closePoll(db: Database, id: string, ownerId: string) {
  const [row] = await queryRows<{ found: boolean; owner_ok: boolean; newly_closed: boolean }>(
    db,
    sql`WITH target AS (
          SELECT id, owner_id = ${ownerId} AS owner_ok, closed_at IS NULL AS was_open
          FROM polls WHERE id = ${id} AND deleted_at IS NULL
        ), closed AS (
          UPDATE polls SET closed_at = coalesce(closed_at, now()), updated_at = now()
          WHERE id = (SELECT id FROM target WHERE owner_ok) AND closed_at IS NULL
          RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM target) AS found, coalesce((SELECT owner_ok FROM target), false) AS owner_ok,
               EXISTS (SELECT 1 FROM closed) AS newly_closed`,
  );
  return row;
}

export async function deletePoll(db: Database, id: string, callerId: string, isAdmin: boolean) {
  const [row] = await queryRows<{ found: boolean; allowed: boolean; owner_id: string }>(
    db,
    sql`WITH target AS (
          SELECT id, owner_id, (owner_id = ${callerId} OR ${isAdmin}) AS allowed
          FROM polls WHERE id = ${id} AND deleted_at IS NULL
        ), deleted AS (
          UPDATE polls SET deleted_at = now(), updated_at = now() WHERE id = (SELECT id FROM target WHERE allowed) RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM target) AS found, coalesce((SELECT allowed FROM target), false) AS allowed,
               (SELECT owner_id FROM target) AS owner_id`,
  );
  return row;
}

export interface BallotOutcome {
  status:
    | "voted"
    | "not_found"
    | "closed"
    | "auth_required"
    | "cookie_required"
    | "invalid"
    | "ip_limit"
    | "already_voted";
  voters?: "authenticated" | "anonymous";
  ballot_id?: string;
  limit?: number;
  errors?: Array<{
    question_id: string;
    choice_id?: string;
    position?: number;
    problem: string;
    max_selections?: number;
  }>;
}

/** One statement: see migrations/0007_poll_vote_counters.sql (cast_ballot) for the checks and their order. */
export async function castBallot(
  db: Database,
  input: {
    pollId: string;
    userId: string | undefined;
    cookieVoterId: string | null;
    ipHash: string;
    answers: Array<{ question_id: string; choice_ids: string[] }>;
  },
): Promise<BallotOutcome> {
  const questions = input.answers.flatMap((answer) => answer.choice_ids.map(() => answer.question_id));
  const choices = input.answers.flatMap((answer) => answer.choice_ids);
  const [row] = await queryRows<{ result: BallotOutcome }>(
    db,
    sql`SELECT cast_ballot(${input.pollId}::uuid, ${uuidv7()}::uuid, ${input.userId ?? null}::uuid,
                           ${input.cookieVoterId}::text, ${input.ipHash}::text,
                           ${sql.param(questions)}::uuid[], ${sql.param(choices)}::uuid[]) AS result`,
  );
  return row?.result ?? { status: "not_found" };
}
