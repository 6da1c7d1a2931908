-- Own ballots: read, replace and withdraw, each one statement like cast_ballot (migration 0007).
-- Whose ballot it is follows the poll's kind of voter, as when casting: the account on
-- `authenticated` polls, the browser's voter cookie on `anonymous` ones. NULL when the caller
-- brings no such identity.
CREATE OR REPLACE FUNCTION poll_voter_key(p_voters text, p_user uuid, p_cookie_voter text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE p_voters WHEN 'authenticated' THEN 'user:' || p_user::text
                       WHEN 'anonymous' THEN 'cookie:' || p_cookie_voter END;
$$;
--> statement-breakpoint
-- What is wrong with a set of answers for a poll (NULL when nothing): every question answered,
-- single questions once, multiple ones within max_selections, every choice of its question.
CREATE OR REPLACE FUNCTION ballot_problems(p_poll uuid, p_questions uuid[], p_choices uuid[]) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
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
  SELECT jsonb_agg(problem) FROM problems;
$$;
--> statement-breakpoint
-- Replaces (p_questions/p_choices given) or withdraws (both NULL) the caller's ballot.
-- Order matters, as in cast_ballot: the poll row is share-locked (structure cannot change),
-- openness and allow_vote_changes are judged in the writing transaction, and the ballot row is
-- locked FOR UPDATE before its answers are read, so two changes (or a change and a withdrawal)
-- of one ballot queue, and the second sees what the first left (a withdrawn ballot is gone:
-- `no_ballot`). The counters move by exactly the difference between the old and new answers,
-- in the same transaction: a reader sees both or neither, and counters always equal a recount.
-- Shard rows are taken in the cast order (poll, questions, choices by id), so no deadlock.
CREATE OR REPLACE FUNCTION change_ballot(
  p_poll uuid,
  p_user uuid,
  p_cookie_voter text,
  p_questions uuid[],
  p_choices uuid[]
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_poll polls%ROWTYPE;
  v_voter_key text;
  v_errors jsonb;
  v_ballot uuid;
  v_old_questions uuid[];
  v_old_choices uuid[];
  -- A decrement may land on another shard than the ballot's increment did: readers sum the
  -- shards, so only the sum has to be exact (a single shard row may go below zero).
  v_shard smallint := floor(random() * 16)::smallint;
BEGIN
  SELECT * INTO v_poll FROM polls WHERE id = p_poll AND deleted_at IS NULL FOR SHARE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'not_found');
  END IF;
  v_voter_key := poll_voter_key(v_poll.voters, p_user, p_cookie_voter);
  IF v_voter_key IS NULL THEN
    RETURN jsonb_build_object('status', CASE WHEN v_poll.voters = 'authenticated' THEN 'auth_required' ELSE 'no_ballot' END,
                              'voters', v_poll.voters);
  END IF;
  IF v_poll.closed_at IS NOT NULL OR (v_poll.closes_at IS NOT NULL AND v_poll.closes_at <= now()) THEN
    RETURN jsonb_build_object('status', 'closed', 'voters', v_poll.voters);
  END IF;
  IF NOT v_poll.allow_vote_changes THEN
    RETURN jsonb_build_object('status', 'changes_disabled', 'voters', v_poll.voters);
  END IF;
  IF p_questions IS NOT NULL THEN
    v_errors := ballot_problems(p_poll, p_questions, p_choices);
    IF v_errors IS NOT NULL THEN
      RETURN jsonb_build_object('status', 'invalid', 'errors', v_errors, 'voters', v_poll.voters);
    END IF;
  END IF;

  SELECT id INTO v_ballot FROM poll_ballots WHERE poll_id = p_poll AND voter_key = v_voter_key FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'no_ballot', 'voters', v_poll.voters);
  END IF;

  IF p_questions IS NULL THEN
    SELECT array_agg(question_id), array_agg(choice_id) INTO v_old_questions, v_old_choices
    FROM poll_answers WHERE ballot_id = v_ballot;
    DELETE FROM poll_ballots WHERE id = v_ballot; -- its answers go with it (ON DELETE CASCADE)
    INSERT INTO poll_count_shards AS s (poll_id, shard, ballots) VALUES (p_poll, v_shard, -1)
    ON CONFLICT (poll_id, shard) DO UPDATE SET ballots = s.ballots - 1;
    INSERT INTO poll_question_count_shards AS s (question_id, shard, voters)
    SELECT DISTINCT q.id, v_shard, -1 FROM unnest(v_old_questions) AS q(id) ORDER BY q.id
    ON CONFLICT (question_id, shard) DO UPDATE SET voters = s.voters - 1;
    INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
    SELECT c.id, v_shard, -1 FROM unnest(v_old_choices) AS c(id) ORDER BY c.id
    ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes - 1;
    RETURN jsonb_build_object('status', 'withdrawn', 'ballot_id', v_ballot, 'voters', v_poll.voters);
  END IF;

  -- Every question is answered before and after, so only choices move: the ones dropped lose
  -- a vote, the ones added gain one, the ones kept are not touched.
  WITH removed AS (
    DELETE FROM poll_answers a WHERE a.ballot_id = v_ballot AND a.choice_id <> ALL (p_choices)
    RETURNING a.choice_id, -1 AS delta
  ), added AS (
    INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id)
    SELECT v_ballot, p_poll, i.question_id, i.choice_id
    FROM unnest(p_questions, p_choices) AS i(question_id, choice_id)
    WHERE NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.ballot_id = v_ballot AND a.choice_id = i.choice_id)
    RETURNING choice_id, 1 AS delta
  )
  INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
  SELECT d.choice_id, v_shard, d.delta FROM (SELECT * FROM removed UNION ALL SELECT * FROM added) d ORDER BY d.choice_id
  ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes + excluded.votes;
  UPDATE poll_ballots SET changed_at = now() WHERE id = v_ballot;
  RETURN jsonb_build_object('status', 'changed', 'ballot_id', v_ballot, 'voters', v_poll.voters);
END;
$$;
