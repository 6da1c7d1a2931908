/**
 * Live fan-out measurement: N WebSocket subscribers on one poll (this process holds them),
 * votes sent over HTTP, and for each vote the time from its 201 to each subscriber's update.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

interface Subscriber {
  socket: WebSocket;
  /** [arrival ms (performance.now), total_voters] per message. */
  messages: Array<[number, number]>;
}

export async function subscribe(base: string, pollId: string, count: number): Promise<Subscriber[]> {
  const url = `${base.replace(/^http/, "ws")}/polls/${pollId}/results/live`;
  const subscribers: Subscriber[] = [];
  for (let batch = 0; batch < count; batch += 100) {
    const opened = Array.from({ length: Math.min(100, count - batch) }, async () => {
      const socket = new WebSocket(url);
      const subscriber: Subscriber = { socket, messages: [] };
      socket.addEventListener("message", (event) => {
        const message = JSON.parse(String(event.data)) as { results?: { total_voters: number } };
        subscriber.messages.push([performance.now(), message.results?.total_voters ?? -1]);
      });
      await new Promise((resolve, reject) => {
        socket.addEventListener("open", resolve, { once: true });
        socket.addEventListener("error", () => reject(new Error("websocket failed")), { once: true });
      });
      subscribers.push(subscriber);
    });
    await Promise.all(opened);
  }
  await waitUntil(() => subscribers.every((s) => s.messages.length > 0), 30_000);
  return subscribers;
}

export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for subscribers");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** When each subscriber first saw a total of at least `total` (ms, performance.now). */
export function arrivals(subscribers: Subscriber[], total: number): number[] {
  return subscribers.map((s) => s.messages.find(([, seen]) => seen >= total)?.[0] ?? Number.NaN);
}

/** CPU seconds (user + system) used so far by the workerd processes under this process. */
export async function workerdCpuSeconds(): Promise<number> {
  const { stdout } = await run("ps", ["-e", "-o", "pid=,ppid=,comm="]);
  const rows = stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, ...comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm.join(" ") }));
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (mine.has(row.ppid) && !mine.has(row.pid)) {
        mine.add(row.pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const row of rows.filter((r) => mine.has(r.pid) && r.comm.includes("workerd"))) {
    const stat = await readFile(`/proc/${row.pid}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}
