import { parsedOnce } from "../../github-client/derived-cache.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { languageBytes } from "../github/github.parts.shape.ts";
import { cacheContext, upstreamProblem } from "../github/github.request.ts";
import {
  CacheOutcome,
  collectRepos,
  fetchEntry,
  fetchJson,
  GithubNotFound,
  isObject,
} from "../github/github.service.ts";
import { cleanRepo, profileSummary } from "../github/github.shape.ts";
import { GITHUB_TTL_SECONDS } from "../github/github.ttl.ts";
import { notFound } from "../polls/polls.read.ts";
import { buildResults } from "../polls/polls.results.ts";
import * as polls from "../polls/polls.service.ts";
import { resultsAccess, resultsHidden } from "../polls/polls.visibility.ts";
import { languagesCard, pinCard, statsCard, topLanguages } from "./cards.github.ts";
import { pollCard } from "./cards.poll.ts";
import { sendCard } from "./cards.respond.ts";
import type * as routes from "./cards.routes.ts";

/** GitHub cards: people embed them in READMEs, so browsers and camo may reuse one 30 minutes. */
const GITHUB_CARD_MAX_AGE = 1800;
/** Poll tallies are live: a minute. */
const POLL_CARD_MAX_AGE = 60;
/** Repositories whose languages are counted: one upstream call each on a cold cache. */
export const LANGUAGE_REPOS = 10;

export const statsCardHandler: AppRouteHandler<routes.StatsCardRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const { theme } = c.req.valid("query");
  const ctx = cacheContext(c);
  const outcome = new CacheOutcome();
  const login = username.toLowerCase();
  const [user, collected] = await Promise.all([
    fetchJson(ctx, `/users/${login}`, outcome, false),
    collectRepos(ctx, login, outcome, false),
  ]).catch((error) => upstreamProblem(error, `user ${username}`));
  const profile = profileSummary(user, collected.repos);
  const card = statsCard(
    {
      login: profile.login,
      name: profile.name,
      stars: profile.aggregates.total_stars,
      forks: profile.aggregates.total_forks,
      followers: profile.followers,
      repositories: profile.aggregates.repositories_counted,
    },
    theme,
  );
  return sendCard(c, card, GITHUB_CARD_MAX_AGE);
};

export const languagesCardHandler: AppRouteHandler<routes.LanguagesCardRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const { theme } = c.req.valid("query");
  const ctx = cacheContext(c);
  const outcome = new CacheOutcome();
  const login = username.toLowerCase();
  const collected = await collectRepos(ctx, login, outcome, false).catch((error) =>
    upstreamProblem(error, `user ${username}`),
  );
  // Forks are someone else's code; of the rest, the most-starred (then most recently pushed) count.
  const counted = collected.repos
    .filter((repo) => !repo.fork)
    .sort((a, b) => b.stars - a.stars || ((b.pushed_at ?? "") < (a.pushed_at ?? "") ? -1 : 1))
    .slice(0, LANGUAGE_REPOS);
  const perRepo = await Promise.all(
    counted.map((repo) =>
      fetchEntry(
        ctx,
        `/repos/${repo.full_name.toLowerCase()}/languages`,
        outcome,
        false,
        GITHUB_TTL_SECONDS.languages,
      )
        .then((entry) =>
          parsedOnce(entry, () => {
            const value: unknown = JSON.parse(entry.body);
            return isObject(value) ? languageBytes(value) : [];
          }),
        )
        .catch((error) =>
          error instanceof GithubNotFound ? [] : upstreamProblem(error, `user ${username}`),
        ),
    ),
  );
  return sendCard(c, languagesCard(username, topLanguages(perRepo), theme), GITHUB_CARD_MAX_AGE);
};

export const pinCardHandler: AppRouteHandler<routes.PinCardRoute> = async (c) => {
  const { owner, repo } = c.req.valid("param");
  const { theme } = c.req.valid("query");
  const raw = await fetchJson(
    cacheContext(c),
    `/repos/${owner.toLowerCase()}/${repo.toLowerCase()}`,
    new CacheOutcome(),
    false,
  ).catch((error) => upstreamProblem(error, `repository ${owner}/${repo}`));
  return sendCard(c, pinCard(cleanRepo(raw), theme), GITHUB_CARD_MAX_AGE);
};

/**
 * An image is fetched anonymously (GitHub's camo proxy, a browser without our cookies), so
 * the card shows what the public may see: the polls' own rule for an anonymous caller who
 * has not voted. An `after_vote` poll never shows tallies on a card, an `after_close` one
 * only once closed; the owner's credentials are ignored (a card is public wherever it is).
 */
export const pollCardHandler: AppRouteHandler<routes.PollCardRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { theme } = c.req.valid("query");
  const poll = await polls.getPoll(c.var.db, id, [], { withCounts: true });
  if (!poll) throw notFound(id);
  const access = resultsAccess({ ...poll, has_voted: false }, undefined);
  if (access !== "visible") throw resultsHidden(access);
  return sendCard(c, pollCard(buildResults(poll), theme), POLL_CARD_MAX_AGE);
};
