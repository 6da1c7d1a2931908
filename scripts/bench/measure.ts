/** Small measurement helpers for the benchmark: round trips, workerd memory, connection cost. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import postgres from "postgres";

const run = promisify(execFile);

/** Statements the server executed since the last reset (pg_stat_statements), ours excluded. */
export async function statementCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ calls: string }>(
      "SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'",
    );
    return Number(result.rows[0]?.calls ?? 0);
  } finally {
    await client.end();
  }
}

export async function resetStatements(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_stat_statements_reset()");
  } finally {
    await client.end();
  }
}

/** The workerd processes Miniflare started under this process, with their resident memory. */
export async function workerdProcesses(): Promise<Array<{ pid: number; rss: number }>> {
  const { stdout } = await run("ps", ["-e", "-o", "pid=,ppid=,rss=,comm="]);
  const rows = stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, rss, ...comm]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      rss: Number(rss),
      comm: comm.join(" "),
    }));
  const descendants = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if (descendants.has(row.ppid) && !descendants.has(row.pid)) {
        descendants.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => descendants.has(row.pid) && row.comm.includes("workerd"));
}

/** Resident memory (KiB) of the workerd processes Miniflare started under this process. */
export async function workerdRssKiB(): Promise<number> {
  return (await workerdProcesses()).reduce((sum, row) => sum + row.rss, 0);
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Mean ms to open a connection, run `select 1` and close it, per driver. */
export async function connectionCost(
  url: string,
  iterations = 100,
): Promise<{ pg: number; postgres: number }> {
  const timePg = async () => {
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("select 1");
      await client.end();
    }
    return (performance.now() - started) / iterations;
  };
  const timePostgres = async () => {
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) {
      const sql = postgres(url, { max: 1, prepare: false });
      await sql`select 1`;
      await sql.end();
    }
    return (performance.now() - started) / iterations;
  };
  return { pg: await timePg(), postgres: await timePostgres() };
}

/**
 * The worker isolate's used JS heap (bytes), read through workerd's V8 inspector: what the
 * worker itself holds, unlike process RSS (which also counts Miniflare's internal services
 * and V8's reserved pages). workerd does not answer HeapProfiler.collectGarbage, so callers
 * sample often and follow the troughs (the heap right after each GC).
 */
export async function isolateHeapUsed(inspectorPort: number, workerName = "devhub-api"): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${inspectorPort}/core:user:${workerName}`);
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("inspector did not answer")), 5000);
      socket.addEventListener("open", () =>
        socket.send(JSON.stringify({ id: 1, method: "Runtime.getHeapUsage" })),
      );
      socket.addEventListener("message", (event) => {
        const message = JSON.parse(String(event.data)) as { id?: number; result?: { usedSize?: number } };
        if (message.id !== 1) return;
        clearTimeout(timer);
        resolve(Number(message.result?.usedSize ?? 0));
      });
      socket.addEventListener("error", () => reject(new Error("inspector connection failed")));
    });
  } finally {
    socket.close();
  }
}
