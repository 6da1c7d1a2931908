-- Ranked-choice questions. A ranked answer is the choices in the voter's order: poll_answers
-- keeps each choice's rank (1 = first preference), and poll_ranking_count_shards counts the
-- ballots per distinct ranking, kept in the casting statement like the other counters, so the
-- instant-runoff count reads one row per ranking and shard, never the ballots.
-- ballot_problems, cast_ballot and change_ballot are those of 0010 with these additions; the
-- lock order stays poll, questions, choices by id, then rankings by (question, ranking).

-- Answers in the order sent, with each ranked question's choices numbered from 1 in that order
-- (other kinds: no rank).
CREATE OR REPLACE FUNCTION ranked_answers(p_questions uuid[], p_choices uuid[])
RETURNS TABLE (question_id uuid, choice_id uuid, rank smallint)
LANGUAGE sql STABLE
AS $$
  SELECT a.question_id, a.choice_id,
         CASE WHEN q.kind = 'ranked'
              THEN (row_number() OVER (PARTITION BY a.question_id ORDER BY a.ord))::smallint END
  FROM unnest(p_questions, p_choices) WITH ORDINALITY AS a(question_id, choice_id, ord)
  LEFT JOIN poll_questions q ON q.id = a.question_id
  ORDER BY a.ord;
$$;
--> statement-breakpoint
-- The ranking (choice ids, first preference first) of each ranked question in a set of answers.
CREATE OR REPLACE FUNCTION rankings_of(p_questions uuid[], p_choices uuid[])
RETURNS TABLE (question_id uuid, ranking uuid[])
LANGUAGE sql STABLE
AS $$
  SELECT a.question_id, array_agg(a.choice_id ORDER BY a.rank)
  FROM ranked_answers(p_questions, p_choices) a WHERE a.rank IS NOT NULL
  GROUP BY a.question_id;
$$;
--> statement-breakpoint
-- The rankings a stored ballot holds, as rankings_of gives them for the answers it was cast with.
CREATE OR REPLACE FUNCTION ballot_rankings(p_ballot uuid)
RETURNS TABLE (question_id uuid, ranking uuid[])
LANGUAGE sql STABLE
AS $$
  SELECT a.question_id, array_agg(a.choice_id ORDER BY a.rank)
  FROM poll_answers a WHERE a.ballot_id = p_ballot AND a.rank IS NOT NULL
  GROUP BY a.question_id;
$$;
--> statement-breakpoint
-- Ranked questions take up to max_selections choices (by default all), like multiple ones.
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
    WHERE picked = 0 OR (kind = 'single' AND picked > 1) OR (kind IN ('multiple', 'ranked') AND picked > max_selections)
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
    INSERT INTO poll_ranking_count_shards AS s (question_id, ranking, shard, ballots)
    SELECT r.question_id, r.ranking, v_shard, -1 FROM ballot_rankings(v_ballot) r ORDER BY r.question_id
    ON CONFLICT (question_id, ranking, shard) DO UPDATE SET ballots = s.ballots - 1;
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

  -- Rankings first, while the answers still hold the old ones: the old ranking of each ranked
  -- question loses the ballot and the new one gains it; an unchanged ranking nets to zero and
  -- is not written (one upsert cannot touch a row twice).
  INSERT INTO poll_ranking_count_shards AS s (question_id, ranking, shard, ballots)
  SELECT d.question_id, d.ranking, v_shard, sum(d.delta)
  FROM (SELECT o.question_id, o.ranking, -1 AS delta FROM ballot_rankings(v_ballot) o
        UNION ALL
        SELECT n.question_id, n.ranking, 1 FROM rankings_of(p_questions, p_choices) n) d
  GROUP BY d.question_id, d.ranking HAVING sum(d.delta) <> 0
  ORDER BY d.question_id, d.ranking
  ON CONFLICT (question_id, ranking, shard) DO UPDATE SET ballots = s.ballots + excluded.ballots;

  -- Every question is answered before and after, so only choices move: the ones dropped lose
  -- a vote, the ones added gain one, the ones kept are not touched (a kept ranked choice may
  -- move in the order: its rank is updated below, its vote stays).
  WITH removed AS (
    DELETE FROM poll_answers a WHERE a.ballot_id = v_ballot AND a.choice_id <> ALL (p_choices)
    RETURNING a.choice_id, -1 AS delta
  ), added AS (
    INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id, rank)
    SELECT v_ballot, p_poll, i.question_id, i.choice_id, i.rank
    FROM ranked_answers(p_questions, p_choices) i
    WHERE NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.ballot_id = v_ballot AND a.choice_id = i.choice_id)
    RETURNING choice_id, 1 AS delta
  )
  INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
  SELECT d.choice_id, v_shard, d.delta FROM (SELECT * FROM removed UNION ALL SELECT * FROM added) d ORDER BY d.choice_id
  ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes + excluded.votes;
  UPDATE poll_answers a SET rank = i.rank
  FROM ranked_answers(p_questions, p_choices) i
  WHERE a.ballot_id = v_ballot AND a.choice_id = i.choice_id AND a.rank IS DISTINCT FROM i.rank;
  UPDATE poll_ballots SET changed_at = now() WHERE id = v_ballot;
  RETURN jsonb_build_object('status', 'changed', 'ballot_id', v_ballot, 'voters', v_poll.voters);
END;
$$;
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

  INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id, rank)
  SELECT p_ballot, p_poll, a.question_id, a.choice_id, a.rank FROM ranked_answers(p_questions, p_choices) a;

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
  INSERT INTO poll_ranking_count_shards AS s (question_id, ranking, shard, ballots)
  SELECT r.question_id, r.ranking, v_shard, 1 FROM rankings_of(p_questions, p_choices) r ORDER BY r.question_id
  ON CONFLICT (question_id, ranking, shard) DO UPDATE SET ballots = s.ballots + 1;

  RETURN jsonb_build_object('status', 'voted', 'ballot_id', p_ballot, 'voters', v_poll.voters);
END;
$$;
