-- Vote counters maintained by cast_ballot itself, so reading results costs O(questions + choices)
-- instead of a recount of every ballot. Each key has up to 16 shard rows (one picked per ballot)
-- and readers sum them: a poll where every voter picks the same choice spreads its row locks.
CREATE TABLE "poll_count_shards" (
	"poll_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"ballots" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_count_shards_poll_id_shard_pk" PRIMARY KEY("poll_id","shard")
);
--> statement-breakpoint
CREATE TABLE "poll_question_count_shards" (
	"question_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"voters" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_question_count_shards_question_id_shard_pk" PRIMARY KEY("question_id","shard")
);
--> statement-breakpoint
CREATE TABLE "poll_choice_count_shards" (
	"choice_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"votes" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_choice_count_shards_choice_id_shard_pk" PRIMARY KEY("choice_id","shard")
);
--> statement-breakpoint
ALTER TABLE "poll_count_shards" ADD CONSTRAINT "poll_count_shards_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_question_count_shards" ADD CONSTRAINT "poll_question_count_shards_question_id_poll_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."poll_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_choice_count_shards" ADD CONSTRAINT "poll_choice_count_shards_choice_id_poll_choices_id_fk" FOREIGN KEY ("choice_id") REFERENCES "public"."poll_choices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every vote share-locks its poll row first; EXCLUSIVE waits for ballots in flight and holds new
-- ones at that first step until the backfill below has committed.
LOCK TABLE "polls" IN EXCLUSIVE MODE;--> statement-breakpoint
INSERT INTO "poll_count_shards" ("poll_id", "shard", "ballots")
SELECT "poll_id", 0, count(*) FROM "poll_ballots" GROUP BY "poll_id";--> statement-breakpoint
INSERT INTO "poll_question_count_shards" ("question_id", "shard", "voters")
SELECT "question_id", 0, count(DISTINCT "ballot_id") FROM "poll_answers" GROUP BY "question_id";--> statement-breakpoint
INSERT INTO "poll_choice_count_shards" ("choice_id", "shard", "votes")
SELECT "choice_id", 0, count(*) FROM "poll_answers" GROUP BY "choice_id";--> statement-breakpoint
-- cast_ballot as in 0004, plus the counter upserts after the answers.
CREATE OR REPLACE FUNCTION cast_ballot(
  p_poll uuid,
  p_ballot uuid,
  p_user uuid,
  p_cookie_voter text,
  p_ip_hash text,
  p_questions uuid[],
  p_choices uuid[]
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_poll polls%ROWTYPE;
  v_errors jsonb;
  v_voter_key text;
  v_ip_hash text;
  v_ip_votes integer;
  v_inserted integer;
  -- Which of the 16 counter rows per key this ballot adds to: concurrent ballots for the same
  -- choice mostly land on different rows, so they do not queue behind one row lock.
  v_shard smallint := floor(random() * 16)::smallint;
BEGIN
  SELECT * INTO v_poll FROM polls WHERE id = p_poll AND deleted_at IS NULL FOR SHARE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'not_found');
  END IF;
  IF v_poll.closed_at IS NOT NULL OR (v_poll.closes_at IS NOT NULL AND v_poll.closes_at <= now()) THEN
    RETURN jsonb_build_object('status', 'closed', 'voters', v_poll.voters);
  END IF;

  IF v_poll.voters = 'authenticated' THEN
    IF p_user IS NULL THEN
      RETURN jsonb_build_object('status', 'auth_required', 'voters', v_poll.voters);
    END IF;
    v_voter_key := 'user:' || p_user::text;
  ELSE
    IF p_cookie_voter IS NULL THEN
      RETURN jsonb_build_object('status', 'cookie_required', 'voters', v_poll.voters);
    END IF;
    v_voter_key := 'cookie:' || p_cookie_voter;
    v_ip_hash := p_ip_hash;
  END IF;

  WITH input AS (
    SELECT * FROM unnest(p_questions, p_choices) AS a(question_id, choice_id)
  ), per_question AS (
    SELECT q.id, q.position, q.kind, q.max_selections, count(i.choice_id) AS picked
    FROM poll_questions q LEFT JOIN input i ON i.question_id = q.id
    WHERE q.poll_id = p_poll
    GROUP BY q.id, q.position, q.kind, q.max_selections
  ), problems AS (
    SELECT jsonb_build_object(
      'question_id', id, 'position', position,
      'problem', CASE WHEN picked = 0 THEN 'unanswered'
                      WHEN kind = 'single' THEN 'single_choice'
                      ELSE 'too_many' END,
      'max_selections', max_selections) AS problem
    FROM per_question
    WHERE picked = 0 OR (kind = 'single' AND picked > 1) OR (kind = 'multiple' AND picked > max_selections)
    UNION ALL
    SELECT jsonb_build_object(
      'question_id', i.question_id, 'choice_id', i.choice_id,
      'problem', CASE WHEN q.id IS NULL THEN 'unknown_question' ELSE 'unknown_choice' END)
    FROM input i
    LEFT JOIN poll_questions q ON q.id = i.question_id AND q.poll_id = p_poll
    LEFT JOIN poll_choices c ON c.id = i.choice_id AND c.question_id = i.question_id
    WHERE q.id IS NULL OR c.id IS NULL
  )
  SELECT jsonb_agg(problem) INTO v_errors FROM problems;
  IF v_errors IS NOT NULL THEN
    RETURN jsonb_build_object('status', 'invalid', 'errors', v_errors, 'voters', v_poll.voters);
  END IF;

  IF v_ip_hash IS NOT NULL THEN
    -- Serialises ballots from one address on one poll, so the cap cannot be raced past.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_poll::text || ':' || v_ip_hash, 0));
    SELECT count(*) INTO v_ip_votes FROM poll_ballots WHERE poll_id = p_poll AND ip_hash = v_ip_hash;
    IF v_ip_votes >= v_poll.max_votes_per_ip THEN
      RETURN jsonb_build_object('status', 'ip_limit', 'voters', v_poll.voters, 'limit', v_poll.max_votes_per_ip);
    END IF;
  END IF;

  INSERT INTO poll_ballots (id, poll_id, voter_key, user_id, ip_hash)
  VALUES (p_ballot, p_poll, v_voter_key, p_user, v_ip_hash)
  ON CONFLICT (poll_id, voter_key) DO NOTHING;
  GET DIAGNOSTICS v_inserted = ROW_COUNT;
  IF v_inserted = 0 THEN
    RETURN jsonb_build_object('status', 'already_voted', 'voters', v_poll.voters);
  END IF;

  INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id)
  SELECT p_ballot, p_poll, question_id, choice_id FROM unnest(p_questions, p_choices) AS a(question_id, choice_id);

  -- The counters, in the same transaction as the ballot: a reader sees both or neither.
  -- Every ballot takes its row locks in one order (poll, then questions and choices by id),
  -- so two ballots on the same shard queue but never deadlock.
  INSERT INTO poll_count_shards AS s (poll_id, shard, ballots) VALUES (p_poll, v_shard, 1)
  ON CONFLICT (poll_id, shard) DO UPDATE SET ballots = s.ballots + 1;
  INSERT INTO poll_question_count_shards AS s (question_id, shard, voters)
  SELECT DISTINCT q.id, v_shard, 1 FROM unnest(p_questions) AS q(id) ORDER BY q.id
  ON CONFLICT (question_id, shard) DO UPDATE SET voters = s.voters + 1;
  INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
  SELECT c.id, v_shard, 1 FROM unnest(p_choices) AS c(id) ORDER BY c.id
  ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes + 1;

  RETURN jsonb_build_object('status', 'voted', 'ballot_id', p_ballot, 'voters', v_poll.voters);
END;
$$;
--> statement-breakpoint
-- Repair tool (and what the invariant test compares against): replaces one poll's counters with
-- a recount, under the poll's row lock so no ballot lands in between.
CREATE OR REPLACE FUNCTION rebuild_poll_counts(p_poll uuid) RETURNS void
LANGUAGE sql
AS $$
  SELECT 1 FROM polls WHERE id = p_poll FOR UPDATE;
  DELETE FROM poll_count_shards WHERE poll_id = p_poll;
  DELETE FROM poll_question_count_shards s USING poll_questions q WHERE s.question_id = q.id AND q.poll_id = p_poll;
  DELETE FROM poll_choice_count_shards s USING poll_choices c JOIN poll_questions q ON q.id = c.question_id
    WHERE s.choice_id = c.id AND q.poll_id = p_poll;
  INSERT INTO poll_count_shards (poll_id, shard, ballots)
    SELECT p_poll, 0, count(*) FROM poll_ballots WHERE poll_id = p_poll HAVING count(*) > 0;
  INSERT INTO poll_question_count_shards (question_id, shard, voters)
    SELECT question_id, 0, count(DISTINCT ballot_id) FROM poll_answers WHERE poll_id = p_poll GROUP BY question_id;
  INSERT INTO poll_choice_count_shards (choice_id, shard, votes)
    SELECT choice_id, 0, count(*) FROM poll_answers WHERE poll_id = p_poll GROUP BY choice_id;
$$;
