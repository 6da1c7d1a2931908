/**
 * `node scripts/bench/poll-live-flood.ts`: what one flooding subscriber costs the others.
 * The built worker in workerd (Miniflare) and a throwaway PostgreSQL server; one observer
 * subscribes to a poll's live results, votes arrive one at a time (BENCH_VOTES, default 40,
 * BENCH_GAP_MS apart, default 400: each is a coalescing window's leading edge), and for each
 * the time from its 201 to the observer's update is taken, once quiet and once while another
 * client sends 1 KiB frames as fast as the socket takes them (reconnecting when closed). The
 * flooder is a process of its own, so it does not slow the observer's event loop.
 * Prints one JSON line per scenario (median and p95 in ms, frames the flooder got out).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildWorker, startLocalWorker } from "../lib/local-worker.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { percentile } from "./percentiles.ts";
import { BENCH_JWT_SECRET, benchAccessToken, seedVoters } from "./seed.ts";

const VOTES = Number(process.env.BENCH_VOTES ?? 40);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 400);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BenchPoll {
  id: string;
  questions: Array<{ id: string; choices: Array<{ id: string }> }>;
}

/** The flooder's process: 1 KiB frames as fast as the socket drains them; reconnects when closed. */
async function flood(url: string): Promise<void> {
  const frame = "x".repeat(1024);
  const state = { stop: false, frames: 0, connections: 0 };
  process.on("SIGTERM", () => {
    state.stop = true;
  });
  await (async () => {
    while (!state.stop) {
      const socket = new WebSocket(url);
      const opened = await new Promise<boolean>((resolve) => {
        socket.addEventListener("open", () => resolve(true), { once: true });
        socket.addEventListener("error", () => resolve(false), { once: true });
      });
      if (!opened) {
        await sleep(50);
        continue;
      }
      state.connections += 1;
      while (!state.stop && socket.readyState === WebSocket.OPEN) {
        if (socket.bufferedAmount > 256 * 1024) {
          await sleep(1);
          continue;
        }
        for (let i = 0; i < 16; i += 1) socket.send(frame);
        state.frames += 16;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (socket.readyState === WebSocket.OPEN) socket.close();
    }
  })();
  console.log(JSON.stringify({ frames: state.frames, connections: state.connections }));
  process.exit(0);
}

function startFlood(url: string) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "flood", url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const stop = async (): Promise<{ frames: number; connections: number }> => {
    child.kill("SIGTERM");
    await exited;
    return JSON.parse(output.trim() || '{"frames":0,"connections":0}');
  };
  return { stop };
}

async function main() {
  buildWorker();
  const database = await startPostgresServer({ maxConnections: 100 });
  await migrateDatabase(database.url);
  const worker = await startLocalWorker({
    databaseUrl: database.url,
    bindings: { JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: "warn" },
  });
  const base = worker.url.href.replace(/\/$/, "");
  const [ownerId, ...voters] = (await seedVoters(database.url, 2 * VOTES + 1)) as [string, ...string[]];
  const owner = { Authorization: `Bearer ${await benchAccessToken(ownerId)}` };

  for (const scenario of ["quiet", "flood"] as const) {
    const created = await fetch(`${base}/polls`, {
      method: "POST",
      headers: { ...owner, "Content-Type": "application/json" },
      body: JSON.stringify({
        title: scenario,
        questions: [{ prompt: "Pick", choices: [{ label: "A" }, { label: "B" }] }],
      }),
    });
    const poll = (await created.json()) as BenchPoll;
    const liveUrl = `${base.replace(/^http/, "ws")}/polls/${poll.id}/results/live`;
    const seen: Array<[number, number]> = [];
    const observer = new WebSocket(liveUrl);
    observer.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { results?: { total_voters: number } };
      seen.push([performance.now(), message.results?.total_voters ?? -1]);
    });
    while (seen.length === 0) await sleep(5);
    const flooder = scenario === "flood" ? startFlood(liveUrl) : undefined;
    await sleep(1000);
    const latencies: number[] = [];
    const mine = voters.splice(0, VOTES);
    for (const [index, voter] of mine.entries()) {
      const response = await fetch(`${base}/polls/${poll.id}/votes`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${await benchAccessToken(voter)}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({
          answers: [
            { question_id: poll.questions[0]?.id, choice_ids: [poll.questions[0]?.choices[index % 2]?.id] },
          ],
        }),
      });
      const counted = performance.now();
      if (response.status !== 201) throw new Error(`vote: ${response.status} ${await response.text()}`);
      const deadline = counted + 10_000;
      let arrival: number | undefined;
      while (arrival === undefined && performance.now() < deadline) {
        arrival = seen.find(([, total]) => total >= index + 1)?.[0];
        if (arrival === undefined) await sleep(1);
      }
      latencies.push(arrival === undefined ? 10_000 : Math.max(0, arrival - counted));
      await sleep(GAP_MS);
    }
    const flooded = await flooder?.stop();
    observer.close();
    console.log(
      JSON.stringify({
        scenario,
        votes: VOTES,
        median_ms: Math.round(percentile(latencies, 50)),
        p95_ms: Math.round(percentile(latencies, 95)),
        flood_frames_sent: flooded?.frames ?? 0,
        flood_connections: flooded?.connections ?? 0,
      }),
    );
  }
  await worker.stop();
  await database.stop();
}

if (process.argv[2] === "flood") await flood(process.argv[3] as string);
else await main();
