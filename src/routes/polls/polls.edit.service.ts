import { type SQL, sql } from "drizzle-orm";
import type { ActingCredential } from "../../audit/audit-event.ts";
import { createdByValues } from "../../audit/created-by.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { recordEvent } from "../../events/record-event.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { CreatePollInput, QuestionInput, UpdatePollInput } from "./polls.schemas.ts";

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

/** Writes below take the caller's transaction (`db`) and record their event in it. */
function recordPollEvent(
  tx: Database,
  ownerId: string,
  type: "poll.created" | "poll.updated" | "poll.closed" | "poll.reopened" | "poll.deleted",
  id: string,
) {
  return recordEvent(tx, { accountId: ownerId, type, resourceId: id, payload: { id } });
}

/** The poll, its questions and its choices in one statement: one round trip, atomic. */
export async function createPoll(
  db: Database,
  ownerId: string,
  input: CreatePollInput,
  createdBy: ActingCredential,
): Promise<string> {
  const id = uuidv7();
  const { insertQuestions, insertChoices } = structureArrays(
    id,
    input.questions,
    sql`EXISTS (SELECT 1 FROM poll)`,
  );
  await queryRows(
    db,
    sql`WITH poll AS (
          INSERT INTO polls (id, owner_id, title, description, voters, results_visibility, max_votes_per_ip,
                             allow_vote_changes, closes_at, created_by_credential, created_by_credential_id)
          VALUES (${id}, ${ownerId}, ${input.title}, ${input.description}, ${input.voters}, ${input.results_visibility},
                  ${input.max_votes_per_ip}, ${input.allow_vote_changes}, ${input.closes_at ?? null}::timestamptz,
                  ${createdByValues(createdBy)})
          RETURNING id
        ), questions AS (${insertQuestions}), choices AS (${insertChoices})
        SELECT (SELECT count(*) FROM poll) AS polls`,
  );
  await recordPollEvent(db, ownerId, "poll.created", id);
  return id;
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
  patch: UpdatePollInput,
): Promise<UpdateOutcome> {
  const set: SQL[] = [sql`updated_at = now()`];
  if (patch.title !== undefined) set.push(sql`title = ${patch.title}`);
  if (patch.description !== undefined) set.push(sql`description = ${patch.description}`);
  if (patch.closes_at !== undefined) set.push(sql`closes_at = ${patch.closes_at}::timestamptz`);
  if (patch.allow_vote_changes !== undefined) set.push(sql`allow_vote_changes = ${patch.allow_vote_changes}`);
  const structure = patch.questions
    ? structureArrays(id, patch.questions, sql`EXISTS (SELECT 1 FROM updated)`)
    : undefined;
  const [row] = await queryRows<{
    found: boolean;
    owner_ok: boolean;
    has_votes: boolean;
    expired: boolean;
    updated: number;
  }>(
    db,
    sql`WITH target AS (
          SELECT p.id, p.owner_id = ${ownerId} AS owner_ok,
                 EXISTS (SELECT 1 FROM poll_ballots b WHERE b.poll_id = p.id) AS has_votes,
                 -- Expired by its deadline, not closed by its owner: a new deadline reopens it.
                 coalesce(p.closed_at IS NULL AND p.closes_at <= now(), false) AS expired
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
               coalesce((SELECT has_votes FROM target), false) AS has_votes,
               coalesce((SELECT expired FROM target), false) AS expired, (SELECT count(*) FROM updated)::int AS updated`,
  );
  if (!row?.found) return "not_found";
  if (!row.owner_ok) return "forbidden";
  if (row.updated === 0) return "has_votes";
  await recordPollEvent(db, ownerId, "poll.updated", id);
  // The schema admits only a future deadline or none, so any new one opens an expired poll.
  if (row.expired && patch.closes_at !== undefined) await recordPollEvent(db, ownerId, "poll.reopened", id);
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
  if (row?.newly_closed) await recordPollEvent(db, ownerId, "poll.closed", id);
  return row;
}

export async function deletePoll(db: Database, id: string, callerId: string, isAdmin: boolean) {
  const [row] = await queryRows<{ found: boolean; allowed: boolean; owner_id: string; deleted: boolean }>(
    db,
    sql`WITH target AS (
          SELECT id, owner_id, (owner_id = ${callerId} OR ${isAdmin}) AS allowed
          FROM polls WHERE id = ${id} AND deleted_at IS NULL
        ), deleted AS (
          UPDATE polls SET deleted_at = now(), updated_at = now() WHERE id = (SELECT id FROM target WHERE allowed) RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM target) AS found, coalesce((SELECT allowed FROM target), false) AS allowed,
               (SELECT owner_id FROM target) AS owner_id, EXISTS (SELECT 1 FROM deleted) AS deleted`,
  );
  // The owner's log, also when an admin deletes it.
  if (row?.deleted) await recordPollEvent(db, row.owner_id, "poll.deleted", id);
  return row;
}
