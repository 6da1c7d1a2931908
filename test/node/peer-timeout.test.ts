import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TimeoutError, withPeerTimeout } from "../../src/lib/timeout.ts";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * A TCP peer that answers "ready" at once on connect, or never (`silent`); `answered`
 * resolves once the answer is on its way (handed to the kernel).
 */
async function peer(silent = false) {
  let answeredResolve: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    answeredResolve = resolve;
  });
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined);
    if (!silent) socket.write("ready", () => answeredResolve());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, answered };
}

/** Connects and resolves with the peer's first bytes; the socket is closed either way. */
function firstAnswer(port: number): { answer: Promise<string>; socket: net.Socket } {
  const socket = net.connect(port, "127.0.0.1");
  const answer = new Promise<string>((resolve, reject) => {
    socket.once("data", (data) => resolve(data.toString()));
    socket.once("error", reject);
  }).finally(() => socket.destroy());
  return { answer, socket };
}

/** Keeps the thread busy, as an isolate working through a burst of requests does. */
function busy(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

describe("withPeerTimeout", () => {
  it("takes an answer that was waiting on the socket when the isolate ran the timer late", async () => {
    const { port, answered } = await peer();
    const { answer } = firstAnswer(port);
    await answered;
    const raced = withPeerTimeout(answer, 50, "The peer");
    // The answer arrives within a millisecond or two, but the thread is busy for 150 ms: the
    // timer is due first when the loop turns (timers run before socket reads).
    busy(150);
    await expect(raced).resolves.toBe("ready");
  });

  it("still gives up on a peer that stays silent", async () => {
    const { port } = await peer(true);
    const { answer, socket } = firstAnswer(port);
    answer.catch(() => undefined);
    const started = Date.now();
    await expect(withPeerTimeout(answer, 50, "The peer")).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    socket.destroy();
  });
});
