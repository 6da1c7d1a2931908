import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parsePolicyFigures } from "../../src/rate-limit/policy.ts";
import { limiterObjectName } from "../../src/rate-limit/spend.ts";
import { apiWithEnv } from "../helpers/api.ts";
import { randomIp, uniqueEmail } from "../helpers/auth.ts";

/** What the object keeps: its stored keys and whether an alarm is pending. */
function stored(stub: DurableObjectStub) {
  return runInDurableObject(stub, async (_instance, state) => ({
    keys: [...state.storage.kv.list()].map(([key]) => key),
    alarm: await state.storage.getAlarm(),
  }));
}

const limiter = (name = `storage-test:${crypto.randomUUID()}`) => env.RATE_LIMITER.getByName(name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("rate-limiter storage is released once it limits no one", () => {
  it("a bucket is deleted when it has refilled, not before", async () => {
    const stub = limiter();
    // 2 per 2 s: the token spent is back after 1 s.
    await stub.consume(2, 2);
    const held = await stored(stub);
    expect(held.keys).toEqual(["bucket"]);
    expect(held.alarm).not.toBeNull();
    // Too early: the bucket still limits (1 of 2 spent), so the alarm waits on.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const early = await stored(stub);
    expect(early.keys).toEqual(["bucket"]);
    expect(early.alarm).not.toBeNull();
    await sleep(1_100);
    // The alarm may have fired on its own by now; if not, it fires here.
    await runDurableObjectAlarm(stub);
    expect(await stored(stub)).toEqual({ keys: [], alarm: null });
    // A released bucket is a full one: the subject starts with its whole allowance.
    expect(await stub.consume(2, 2)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("a peek at an untouched subject stores nothing", async () => {
    const stub = limiter();
    expect(await stub.peek(5, 300)).toMatchObject({ allowed: true, remaining: 5 });
    expect(await stored(stub)).toEqual({ keys: [], alarm: null });
  });

  it("a released semaphore keeps nothing; a lease left by a crashed isolate goes when it expires", async () => {
    const stub = limiter();
    await stub.releaseSlot((await stub.acquireSlot(2, 60_000)) as string);
    expect((await stored(stub)).keys).toEqual([]);
    await stub.acquireSlot(2, 300);
    expect((await stored(stub)).keys).toEqual(["leases"]);
    await sleep(400);
    await runDurableObjectAlarm(stub);
    expect(await stored(stub)).toEqual({ keys: [], alarm: null });
  });

  it("failed logins from one-off emails and addresses leave no stored buckets once their windows pass", async () => {
    // 2 per 6 s: a spent token is back after 3 s, so the test waits seconds, not an hour.
    const policy = "login_ip=2/6,login_failures_pair=2/6,login_failures_account=2/6";
    const call = apiWithEnv({ RATE_LIMIT_POLICY: policy });
    const figures = parsePolicyFigures(policy);
    const attempts = Array.from({ length: 4 }, () => ({ email: uniqueEmail("flood"), ip: randomIp() }));
    for (const { email, ip } of attempts) {
      const response = await call("/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
        body: JSON.stringify({ email, password: "wrong-Password-42-x" }),
      });
      expect(response.status).toBe(401);
    }
    const stubs = await Promise.all(
      attempts
        .flatMap(({ email, ip }) => [
          limiterObjectName("login_ip", figures.login_ip, ip),
          limiterObjectName("login_failures_pair", figures.login_failures_pair, `${email}\n${ip}`),
          limiterObjectName("login_failures_account", figures.login_failures_account, email),
        ])
        .map(async (name) => limiter(await name)),
    );
    for (const stub of stubs) expect((await stored(stub)).keys).toEqual(["bucket"]);
    await sleep(3_100);
    for (const stub of stubs) {
      await runDurableObjectAlarm(stub);
      expect(await stored(stub)).toEqual({ keys: [], alarm: null });
    }
  });
});
