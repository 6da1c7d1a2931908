-- Replaces change_ballot as 0014_ranked_choice.sql defined it (0014 replaced 0010's). Same
-- checks, same counter arithmetic, two differences:
-- 1. The counters are locked in cast_ballot's order (poll, questions, choices by id, then
--    rankings by question), so a change or withdrawal and a ballot that share a shard cannot
--    wait for each other in a cycle. 0014 moved the rankings first, before the choices.
-- 2. A change returns the ballot as it now stands (what GET /polls/{id}/votes/mine shows) and
--    both outcomes return the poll's owner: the request answers without reading either back.
-- The rankings change_ballot keeps aside (question_id, ranking as a JSON array of ids) as rows.
CREATE OR REPLACE FUNCTION old_rankings(p_rankings jsonb)
RETURNS TABLE (question_id uuid, ranking uuid[])
LANGUAGE sql IMMUTABLE
AS $$
  SELECT (r ->> 'question_id')::uuid, ARRAY(SELECT e.id::uuid FROM jsonb_array_elements_text(r -> 'ranking') WITH ORDINALITY AS e(id, n) ORDER BY e.n)
  FROM jsonb_array_elements(coalesce(p_rankings, '[]'::jsonb)) AS r;
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
  v_ballot poll_ballots%ROWTYPE;
  v_old_questions uuid[];
  v_old_choices uuid[];
  -- Each ranked question's old ranking, read before the answers change (rankings go last).
  v_old_rankings jsonb;
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

  SELECT * INTO v_ballot FROM poll_ballots WHERE poll_id = p_poll AND voter_key = v_voter_key FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'no_ballot', 'voters', v_poll.voters);
  END IF;
  SELECT jsonb_agg(jsonb_build_object('question_id', r.question_id, 'ranking', to_jsonb(r.ranking)))
  INTO v_old_rankings FROM ballot_rankings(v_ballot.id) r;

  IF p_questions IS NULL THEN
    SELECT array_agg(question_id), array_agg(choice_id) INTO v_old_questions, v_old_choices
    FROM poll_answers WHERE ballot_id = v_ballot.id;
    INSERT INTO poll_count_shards AS s (poll_id, shard, ballots) VALUES (p_poll, v_shard, -1)
    ON CONFLICT (poll_id, shard) DO UPDATE SET ballots = s.ballots - 1;
    INSERT INTO poll_question_count_shards AS s (question_id, shard, voters)
    SELECT DISTINCT q.id, v_shard, -1 FROM unnest(v_old_questions) AS q(id) ORDER BY q.id
    ON CONFLICT (question_id, shard) DO UPDATE SET voters = s.voters - 1;
    INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
    SELECT c.id, v_shard, -1 FROM unnest(v_old_choices) AS c(id) ORDER BY c.id
    ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes - 1;
    INSERT INTO poll_ranking_count_shards AS s (question_id, ranking, shard, ballots)
    SELECT o.question_id, o.ranking, v_shard, -1 FROM old_rankings(v_old_rankings) o ORDER BY o.question_id
    ON CONFLICT (question_id, ranking, shard) DO UPDATE SET ballots = s.ballots - 1;
    DELETE FROM poll_ballots WHERE id = v_ballot.id; -- its answers go with it (ON DELETE CASCADE)
    RETURN jsonb_build_object('status', 'withdrawn', 'ballot_id', v_ballot.id, 'voters', v_poll.voters,
                              'owner_id', v_poll.owner_id);
  END IF;

  -- Every question is answered before and after, so only choices move: the ones dropped lose
  -- a vote, the ones added gain one, the ones kept are not touched (a kept ranked choice may
  -- move in the order: its rank is updated below, its vote stays).
  WITH removed AS (
    DELETE FROM poll_answers a WHERE a.ballot_id = v_ballot.id AND a.choice_id <> ALL (p_choices)
    RETURNING a.choice_id, -1 AS delta
  ), added AS (
    INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id, rank)
    SELECT v_ballot.id, p_poll, i.question_id, i.choice_id, i.rank
    FROM ranked_answers(p_questions, p_choices) i
    WHERE NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.ballot_id = v_ballot.id AND a.choice_id = i.choice_id)
    RETURNING choice_id, 1 AS delta
  )
  INSERT INTO poll_choice_count_shards AS s (choice_id, shard, votes)
  SELECT d.choice_id, v_shard, d.delta FROM (SELECT * FROM removed UNION ALL SELECT * FROM added) d ORDER BY d.choice_id
  ON CONFLICT (choice_id, shard) DO UPDATE SET votes = s.votes + excluded.votes;
  UPDATE poll_answers a SET rank = i.rank
  FROM ranked_answers(p_questions, p_choices) i
  WHERE a.ballot_id = v_ballot.id AND a.choice_id = i.choice_id AND a.rank IS DISTINCT FROM i.rank;

  -- The old ranking of each ranked question loses the ballot and the new one gains it; an
  -- unchanged ranking nets to zero and is not written (one upsert cannot touch a row twice).
  INSERT INTO poll_ranking_count_shards AS s (question_id, ranking, shard, ballots)
  SELECT d.question_id, d.ranking, v_shard, sum(d.delta)
  FROM (SELECT o.question_id, o.ranking, -1 AS delta FROM old_rankings(v_old_rankings) o
        UNION ALL
        SELECT n.question_id, n.ranking, 1 FROM rankings_of(p_questions, p_choices) n) d
  GROUP BY d.question_id, d.ranking HAVING sum(d.delta) <> 0
  ORDER BY d.question_id, d.ranking
  ON CONFLICT (question_id, ranking, shard) DO UPDATE SET ballots = s.ballots + excluded.ballots;

  UPDATE poll_ballots SET changed_at = now() WHERE id = v_ballot.id RETURNING * INTO v_ballot;
  RETURN jsonb_build_object(
    'status', 'changed', 'ballot_id', v_ballot.id, 'voters', v_poll.voters, 'owner_id', v_poll.owner_id,
    'ballot', jsonb_build_object(
      'cast_at', v_ballot.created_at, 'changed_at', v_ballot.changed_at,
      'created_by_credential', v_ballot.created_by_credential,
      'created_by_credential_id', v_ballot.created_by_credential_id,
      'answers', (SELECT jsonb_agg(jsonb_build_object('question_id', q.id, 'choice_ids', q.choice_ids) ORDER BY q.position)
                  FROM (SELECT q.id, q.position, jsonb_agg(a.choice_id ORDER BY a.rank, c.position) AS choice_ids
                        FROM poll_answers a JOIN poll_questions q ON q.id = a.question_id
                        JOIN poll_choices c ON c.id = a.choice_id
                        WHERE a.ballot_id = v_ballot.id GROUP BY q.id, q.position) q)));
END;
$$;
