-- Own ballots (read, replace, withdraw) and invite-only polls, each write one statement like
-- cast_ballot (migration 0007), which is redefined here to admit invitations.
--
-- Whose ballot it is follows the poll's kind of voter: the account on `authenticated` polls,
-- the browser's voter cookie on `anonymous` ones, the invitation on `invited` ones (a revoked
-- or unknown one is nobody). NULL when the caller brings no such identity. The invitation
-- row is locked (FOR NO KEY UPDATE), so a revocation (an UPDATE of the row) waits for a ballot
-- being cast with it, a ballot cast after the revocation committed sees it revoked, and ballots
-- sent with one invitation at once queue on it. (A share lock would deadlock: two such ballots
-- would each hold it and then wait, one on the other's ballot row, the other to mark it used.)
CREATE OR REPLACE FUNCTION poll_voter_key(p_poll uuid, p_voters text, p_user uuid, p_cookie_voter text, p_invite_hash text)
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT CASE p_voters
    WHEN 'authenticated' THEN 'user:' || p_user::text
    WHEN 'anonymous' THEN 'cookie:' || p_cookie_voter
    WHEN 'invited' THEN (SELECT 'invite:' || i.id::text FROM poll_invites i
                         WHERE i.poll_id = p_poll AND i.token_hash = p_invite_hash AND i.revoked_at IS NULL
                         FOR NO KEY UPDATE)
  END;
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
  p_invite_hash text,
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
  v_voter_key := poll_voter_key(p_poll, v_poll.voters, p_user, p_cookie_voter, p_invite_hash);
  IF v_voter_key IS NULL THEN
    RETURN jsonb_build_object('status', CASE v_poll.voters WHEN 'authenticated' THEN 'auth_required'
                                                           WHEN 'invited' THEN 'invite_required' ELSE 'no_ballot' END,
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
--> statement-breakpoint
-- cast_ballot as in 0007, with the answer checks in ballot_problems, whose ballot it is in
-- poll_voter_key, and invitations: an invited poll's ballot needs a live invitation, marks
-- it used, and the unique (poll_id, voter_key) index keeps it to one ballot per invitation.
DROP FUNCTION IF EXISTS cast_ballot(uuid, uuid, uuid, text, text, uuid[], uuid[]);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cast_ballot(
  p_poll uuid,
  p_ballot uuid,
  p_user uuid,
  p_cookie_voter text,
  p_invite_hash text,
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
  v_shard smallint := floor(random() * 16)::smallint;
BEGIN
  SELECT * INTO v_poll FROM polls WHERE id = p_poll AND deleted_at IS NULL FOR SHARE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'not_found');
  END IF;
  IF v_poll.closed_at IS NOT NULL OR (v_poll.closes_at IS NOT NULL AND v_poll.closes_at <= now()) THEN
    RETURN jsonb_build_object('status', 'closed', 'voters', v_poll.voters);
  END IF;

  v_voter_key := poll_voter_key(p_poll, v_poll.voters, p_user, p_cookie_voter, p_invite_hash);
  IF v_voter_key IS NULL THEN
    RETURN jsonb_build_object('status', CASE v_poll.voters WHEN 'authenticated' THEN 'auth_required'
                                                           WHEN 'invited' THEN 'invite_required' ELSE 'cookie_required' END,
                              'voters', v_poll.voters);
  END IF;
  IF v_poll.voters = 'anonymous' THEN
    v_ip_hash := p_ip_hash;
  END IF;

  v_errors := ballot_problems(p_poll, p_questions, p_choices);
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

  IF v_poll.voters = 'invited' THEN
    UPDATE poll_invites SET used_at = coalesce(used_at, now())
    WHERE poll_id = p_poll AND token_hash = p_invite_hash;
  END IF;

  -- The counters, in the same transaction as the ballot (see 0007 for the lock order).
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
