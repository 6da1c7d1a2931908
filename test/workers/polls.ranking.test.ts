import { describe, expect, it } from "vitest";
import type { Poll, PollList, PollSummary } from "../../src/routes/polls/polls.schemas.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { adminTokens, bearer, registerUser, type TestUser } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, createPoll, twoQuestions } from "../helpers/polls.ts";

/** A statistics listing fills the fields a plain listing leaves out. */
type StatsItem = Required<PollSummary>;
type StatsPage = Omit<PollList, "items"> & { items: StatsItem[] };

async function pollWithVotes(owner: TestUser, title: string, votes: number): Promise<Poll> {
  const poll = await createPoll(owner, twoQuestions({ title, voters: "anonymous", max_votes_per_ip: 1000 }));
  const browsers = await Promise.all(Array.from({ length: votes }, () => anonymousBrowser(poll.id)));
  for (const [i, browser] of browsers.entries()) {
    expect((await browser.vote(answersFor(poll, [[i % 3], [0]]))).status).toBe(201);
  }
  return poll;
}

async function statsPage(user: { access_token: string }, query: string): Promise<StatsPage> {
  const response = await api(`/polls?${query}`, { headers: bearer(user.access_token) });
  expect(response.status).toBe(200);
  return (await response.json()) as StatsPage;
}

describe("poll vote statistics", () => {
  it("sort=votes lists the owner's polls most voted first, with per-question totals and the CSV link", async () => {
    const owner = await registerUser();
    await pollWithVotes(owner, "none", 0);
    const busy = await pollWithVotes(owner, "busy", 5);
    await pollWithVotes(owner, "some", 2);
    await pollWithVotes(await registerUser(), "someone else's", 9);

    const page = await statsPage(owner.tokens, "sort=votes");
    expect(page.items.map((item) => [item.title, item.total_voters])).toEqual([
      ["busy", 5],
      ["some", 2],
      ["none", 0],
    ]);
    const top = page.items[0] as StatsItem;
    expect(top.question_totals).toEqual([
      { id: busy.questions[0]?.id, prompt: "Where?", voters: 5 },
      { id: busy.questions[1]?.id, prompt: "Extras?", voters: 5 },
    ]);
    const csv = await api(top.results_csv, { headers: bearer(owner.tokens.access_token) });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain("busy,Where?,Pizza,2,40.0");
    expect(text).toContain("busy,Extras?,Drinks,5,100.0");
  });

  it("min_votes filters, and the keyset cursor walks the ranking", async () => {
    const owner = await registerUser();
    for (const [title, votes] of [
      ["a", 1],
      ["b", 3],
      ["c", 4],
      ["d", 0],
    ] as const) {
      await pollWithVotes(owner, title, votes);
    }
    const filtered = await statsPage(owner.tokens, "min_votes=1&sort=votes");
    expect(filtered.items.map((item) => item.title)).toEqual(["c", "b", "a"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: StatsPage = await statsPage(
        owner.tokens,
        `sort=votes&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      seen.push(...page.items.map((item) => item.title));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["c", "b", "a", "d"]);
  });

  it("admins rank everyone's polls", async () => {
    const stranger = await registerUser();
    const poll = await pollWithVotes(stranger, "stranger's", 3);
    const page = await statsPage(await adminTokens(), "min_votes=3&sort=votes&limit=100");
    expect(page.items.find((item) => item.id === poll.id)?.total_voters).toBe(3);
  });

  it("statistics need a token, and a cursor cannot cross listings", async () => {
    await expectProblem(await api("/polls?sort=votes"), 401, "unauthorized");
    await expectProblem(await api("/polls?min_votes=0"), 401, "unauthorized");
    const owner = await registerUser();
    await pollWithVotes(owner, "x", 0);
    await pollWithVotes(owner, "y", 0);
    const first = await statsPage(owner.tokens, "sort=votes&limit=1");
    const reused = await api(`/polls?limit=1&cursor=${encodeURIComponent(first.next_cursor as string)}`, {
      headers: bearer(owner.tokens.access_token),
    });
    await expectProblem(reused, 400, "bad-request");
  });
});
