-- Casts one ballot in one statement (one round trip), all or nothing.
-- Order matters: the poll row is share-locked (an edit of the questions takes it FOR UPDATE,
-- so structure cannot change under a vote), openness is judged by the database clock in the
-- same transaction that writes, every answer is validated before anything is written, and
-- the unique (poll_id, voter_key) index decides "already voted" under any concurrency.
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

  RETURN jsonb_build_object('status', 'voted', 'ballot_id', p_ballot, 'voters', v_poll.voters);
END;
$$;
