import { describe, expect, it } from "vitest";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, randomIp, randomIpv6Net, registerUser } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, ownerWithPoll, resultsOf } from "../helpers/polls.ts";

/** An anonymous poll that takes at most `cap` ballots per address, and a vote from an address. */
async function cappedAnonymousPoll(title: string, cap: number) {
  const { owner, poll } = await ownerWithPoll({
    title,
    voters: "anonymous",
    max_votes_per_ip: cap,
    questions: [{ prompt: "q", choices: [{ label: "a" }, { label: "b" }] }],
  });
  /** A ballot from a browser fresh at this address: a new voter cookie each time. */
  const vote = async (ip: string) => (await anonymousBrowser(poll.id, ip)).vote(answersFor(poll));
  return { owner, poll, vote };
}

/** What docs/security.md ("Anonymous polls") promises about a determined voter, checked. */
describe("a determined voter", () => {
  it("anonymous poll: dropping the cookie is capped per address; rotating addresses is not", async () => {
    const { owner, poll, vote } = await cappedAnonymousPoll("anon", 2);
    const home = randomIp();
    expect((await vote(home)).status).toBe(201);
    expect((await vote(home)).status).toBe(201);
    await expectProblem(await vote(home), 429, "vote-limit-reached");
    for (let i = 0; i < 3; i += 1) expect((await vote(randomIp())).status).toBe(201);
    expect((await resultsOf(poll, owner)).total_voters).toBe(5);
  });

  it("anonymous poll over IPv6: every address of one /64 counts toward the same cap", async () => {
    const { owner, poll, vote } = await cappedAnonymousPoll("anon v6", 2);
    const net = randomIpv6Net();
    expect((await vote(`${net}::1`)).status).toBe(201);
    expect((await vote(`${net.toUpperCase()}:0:0:0:2`)).status).toBe(201);
    await expectProblem(await vote(`${net}:dead:beef:cafe:f00d`), 429, "vote-limit-reached");
    expect((await vote(`${randomIpv6Net()}::1`)).status).toBe(201);
    expect((await resultsOf(poll, owner)).total_voters).toBe(3);
  });

  it("anonymous poll: an IPv4-mapped IPv6 address is the same client as the IPv4 address", async () => {
    const { vote } = await cappedAnonymousPoll("anon mapped", 1);
    const ip = randomIp();
    expect((await vote(ip)).status).toBe(201);
    await expectProblem(await vote(`::ffff:${ip}`), 429, "vote-limit-reached");
  });

  it("authenticated poll (the stricter mode): one ballot per account, whatever the addresses", async () => {
    const { owner, poll } = await ownerWithPoll({
      title: "members",
      voters: "authenticated",
      questions: [{ prompt: "q", choices: [{ label: "a" }, { label: "b" }] }],
    });
    const voter = await registerUser();
    const vote = (ip: string) =>
      apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
        ...bearer(voter.tokens.access_token),
        "CF-Connecting-IP": ip,
      });
    expect((await vote(randomIp())).status).toBe(201);
    for (let i = 0; i < 3; i += 1) await expectProblem(await vote(randomIp()), 409, "already-voted");
    await expectProblem(
      await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), { "CF-Connecting-IP": randomIp() }),
      401,
      "unauthorized",
    );
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });
});
