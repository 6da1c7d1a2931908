import { describe, expect, it } from "vitest";
import { apiWithEnv, expectProblem, ORIGIN } from "../helpers/api.ts";
import { bearer, randomIp } from "../helpers/auth.ts";
import { sleep } from "../helpers/live.ts";
import { ownerWithPoll } from "../helpers/polls.ts";

type Call = ReturnType<typeof apiWithEnv>;

const onePoll = () =>
  ownerWithPoll({
    title: "Live limits",
    questions: [{ prompt: "Best?", choices: [{ label: "A" }, { label: "B" }] }],
  });

/** A raw subscriber: every frame as text, and the close code once the server closes. */
async function openSocket(call: Call, pollId: string, headers: Record<string, string> = {}) {
  const response = await call(`/polls/${pollId}/results/live`, {
    headers: { Upgrade: "websocket", "CF-Connecting-IP": randomIp(), ...headers },
  });
  if (response.status !== 101 || !response.webSocket) return { response, socket: undefined } as const;
  const socket = response.webSocket;
  socket.accept();
  const frames: string[] = [];
  let closeCode: number | undefined;
  socket.addEventListener("message", (event) => frames.push(String(event.data)));
  socket.addEventListener("close", (event) => {
    closeCode = event.code;
  });
  return { response, socket, frames, closeCode: () => closeCode } as const;
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe("live results: what a subscriber may do", () => {
  it("answers ping with pong, and closes a socket that sends anything else (1008)", async () => {
    const call = apiWithEnv({});
    const { poll } = await onePoll();
    const live = await openSocket(call, poll.id);
    if (!live.socket) throw new Error(`no socket: ${live.response.status}`);
    await until(() => live.frames.length > 0, 3000);
    live.socket.send("ping");
    await until(() => live.frames.includes("pong"), 3000);
    live.socket.send("x".repeat(1024));
    await until(() => live.closeCode() !== undefined, 3000);
    expect(live.closeCode()).toBe(1008);
  });

  it("refuses sockets over the per-address cap (429) and over the per-poll cap (503)", async () => {
    const call = apiWithEnv({ LIVE_SOCKETS_PER_ADDRESS: "2", LIVE_SOCKETS_PER_POLL: "3" });
    const { poll } = await onePoll();
    const home = { "CF-Connecting-IP": randomIp() };
    const first = await openSocket(call, poll.id, home);
    expect((await openSocket(call, poll.id, home)).response.status).toBe(101);
    const third = await openSocket(call, poll.id, home);
    await expectProblem(third.response, 429, "too-many-live-sockets");
    expect(third.response.headers.get("retry-after")).toBe("60");

    expect((await openSocket(call, poll.id)).response.status).toBe(101);
    const full = await openSocket(call, poll.id);
    await expectProblem(full.response, 503, "live-results-full");
    expect(full.response.headers.get("retry-after")).toBe("60");

    // A closed socket frees its slot.
    first.socket?.close(1000, "done");
    await until(() => first.closeCode?.() !== undefined, 3000);
    await sleep(100);
    expect((await openSocket(call, poll.id, home)).response.status).toBe(101);
  });

  it("closes a socket that sends nothing for the idle time (1001); one that pings stays", async () => {
    const call = apiWithEnv({ LIVE_IDLE_SECONDS: "1" });
    const { poll } = await onePoll();
    const silent = await openSocket(call, poll.id);
    const pinging = await openSocket(call, poll.id);
    if (!silent.socket || !pinging.socket) throw new Error("no socket");
    const pinger = setInterval(() => pinging.socket.send("ping"), 250);
    try {
      await until(() => silent.closeCode() !== undefined, 5000);
      expect(silent.closeCode()).toBe(1001);
      await sleep(2000);
      expect(pinging.closeCode()).toBeUndefined();
      expect(pinging.frames.filter((frame) => frame === "pong").length).toBeGreaterThan(4);
    } finally {
      clearInterval(pinger);
      pinging.socket.close();
    }
  });

  it("refuses a browser on another site; this site's page, API clients and bearer tokens from elsewhere connect", async () => {
    const call = apiWithEnv({});
    const { owner, poll } = await onePoll();
    await expectProblem(
      (await openSocket(call, poll.id, { Origin: "https://evil.example" })).response,
      403,
      "forbidden",
    );
    await expectProblem(
      (await openSocket(call, poll.id, { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" }))
        .response,
      403,
      "forbidden",
    );
    const accepted: Array<Record<string, string>> = [
      { "Sec-Fetch-Site": "same-origin", Origin: ORIGIN },
      {},
      { Origin: "https://other.example", ...bearer(owner.tokens.access_token) },
      {
        Origin: "https://other.example",
        "Sec-WebSocket-Protocol": `devhub.results.v1, bearer.${owner.tokens.access_token}`,
      },
    ];
    for (const headers of accepted) {
      const live = await openSocket(call, poll.id, headers);
      expect(live.response.status).toBe(101);
      live.socket?.close();
    }
  });
});
