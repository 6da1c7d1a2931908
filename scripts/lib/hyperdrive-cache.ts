/**
 * Hyperdrive's query cache, emulated: a PostgreSQL wire-protocol proxy that answers repeated
 * queries from a cache under Hyperdrive's documented rules
 * (developers.cloudflare.com/hyperdrive/concepts/query-caching):
 * - only read-only queries (a SELECT, or a WITH that writes nothing, without a locking clause);
 * - never one that calls a function PostgreSQL marks volatile or stable (`now()`,
 *   `gen_random_uuid()`, `current_timestamp`…), read from this database's own pg_proc;
 * - never inside a transaction (the session must be idle when the query arrives);
 * - a cached answer is served for up to 60 s (`max_age`), keyed by the query text and its
 *   parameters. (Hyperdrive may also serve it stale for 15 s more while it revalidates; not
 *   emulated, which only makes this cache more forgiving than the real one.)
 * It listens twice: `cachingOnUrl` caches, `cachingDisabledUrl` relays the same way without
 * caching — the arrangement `wrangler hyperdrive create --caching-disabled` provisions.
 * No TLS (the worker's pg client asks for none locally).
 */
import net from "node:net";
import pg from "pg";

const MAX_AGE_MS = 60_000;
const READY_FOR_QUERY = 0x5a; // 'Z'
const ERROR_RESPONSE = 0x45; // 'E'
const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'
const TERMINATE = 0x58; // 'X'
/** Stable functions SQL spells without parentheses. */
const BARE_STABLE = ["current_date", "current_time", "current_timestamp", "localtime", "localtimestamp"];

export interface HyperdriveCacheEmulator {
  /** Through this URL, cacheable queries are answered from the cache (Hyperdrive's default). */
  cachingOnUrl: string;
  /** Through this URL, every query reaches the database (`--caching-disabled`). */
  cachingDisabledUrl: string;
  stop(): Promise<void>;
}

/** Splits a byte stream into protocol messages; the first may be untyped (startup). */
function messageReader(untypedFirst: boolean, onMessage: (message: Buffer) => void) {
  let pending = Buffer.alloc(0);
  let untyped = untypedFirst;
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const header = untyped ? 4 : 5;
      if (pending.length < header) return;
      const size = untyped ? pending.readUInt32BE(0) : 1 + pending.readUInt32BE(1);
      if (pending.length < size) return;
      onMessage(pending.subarray(0, size));
      pending = pending.subarray(size);
      untyped = false;
    }
  };
}

/** The SQL text of a Parse or simple Query message. */
function sqlOf(message: Buffer): string | undefined {
  if (message[0] === SIMPLE_QUERY) return message.toString("utf8", 5, message.indexOf(0, 5));
  if (message[0] === PARSE) {
    const nameEnd = message.indexOf(0, 5);
    return message.toString("utf8", nameEnd + 1, message.indexOf(0, nameEnd + 1));
  }
  return undefined;
}

/** Hyperdrive's rule: a read-only statement calling no volatile or stable function. */
export function isCacheable(sql: string, unsafeFunctions: ReadonlySet<string>): boolean {
  const text = sql.trim().replace(/;\s*$/, "").toLowerCase();
  if (!/^(select|with)\b/.test(text) || text.includes(";")) return false;
  if (/\b(insert|update|delete|merge)\b|\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/.test(text)) {
    return false;
  }
  if (BARE_STABLE.some((name) => new RegExp(`\\b${name}\\b`).test(text))) return false;
  for (const call of text.matchAll(/"?([a-z_][a-z0-9_$]*)"?\s*\(/g)) {
    if (unsafeFunctions.has(call[1] as string)) return false;
  }
  return true;
}

/** Names of every function with a volatile or stable overload (conservative: any overload). */
async function unsafeFunctionNames(databaseUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ proname: string }>(
      "SELECT DISTINCT proname FROM pg_proc WHERE provolatile IN ('v', 's')",
    );
    return new Set(rows.map((row) => row.proname));
  } finally {
    await client.end();
  }
}

interface CacheEntry {
  answer: Buffer;
  storedAt: number;
}

/**
 * One client connection: relays the login as is, then handles the client's queries one
 * request at a time (a simple Query, or the extended-protocol messages up to Sync), serving
 * a cacheable one from `cache` when it may.
 */
function session(
  client: net.Socket,
  upstream: net.Socket,
  cache: Map<string, CacheEntry> | undefined,
  unsafeFunctions: ReadonlySet<string>,
) {
  let loggedIn = false;
  let idle = false; // the last ReadyForQuery said 'I' (no open transaction)
  let request: Buffer[] = [];
  const queue: Buffer[][] = [];
  let inFlight: { key: string | undefined; answer: Buffer[] } | undefined;

  const next = () => {
    while (!inFlight && queue.length > 0) {
      const messages = queue.shift() as Buffer[];
      const sql = messages.map(sqlOf).find((text) => text !== undefined);
      const key =
        cache && idle && sql !== undefined && isCacheable(sql, unsafeFunctions)
          ? Buffer.concat(messages).toString("base64")
          : undefined;
      const hit = key === undefined ? undefined : cache?.get(key);
      if (hit && Date.now() - hit.storedAt <= MAX_AGE_MS) {
        client.write(hit.answer);
        continue;
      }
      inFlight = { key, answer: [] };
      upstream.write(Buffer.concat(messages));
    }
  };

  client.on(
    "data",
    messageReader(true, (message) => {
      if (!loggedIn || message[0] === TERMINATE) {
        upstream.write(message);
        return;
      }
      request.push(message);
      if (message[0] === SYNC || message[0] === SIMPLE_QUERY) {
        queue.push(request);
        request = [];
        next();
      }
    }),
  );
  upstream.on(
    "data",
    messageReader(false, (message) => {
      client.write(message);
      if (message[0] !== READY_FOR_QUERY) {
        inFlight?.answer.push(message);
        return;
      }
      loggedIn = true;
      idle = message[5] === 0x49; // 'I'
      if (inFlight) {
        inFlight.answer.push(message);
        const failed = inFlight.answer.some((part) => part[0] === ERROR_RESPONSE);
        if (inFlight.key && cache && !failed) {
          cache.set(inFlight.key, { answer: Buffer.concat(inFlight.answer), storedAt: Date.now() });
        }
        inFlight = undefined;
      }
      next();
    }),
  );
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on("close", closeBoth);
    socket.on("error", closeBoth);
  }
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

/**
 * Starts both listeners in front of the database behind `databaseUrl`.
 *
 * @example const hyperdrive = await startHyperdriveCacheEmulator(pool.url);
 */
export async function startHyperdriveCacheEmulator(databaseUrl: string): Promise<HyperdriveCacheEmulator> {
  const target = new URL(databaseUrl);
  const unsafe = await unsafeFunctionNames(databaseUrl);
  const cache = new Map<string, CacheEntry>();
  const open = new Set<net.Socket>();
  const serve = (caching: boolean) =>
    net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        open.add(socket);
        socket.on("close", () => open.delete(socket));
      }
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      session(client, upstream, caching ? cache : undefined, unsafe);
    });
  const servers = [serve(true), serve(false)];
  const [onPort, offPort] = await Promise.all(servers.map(listen));
  const urlOn = (port: number | undefined) => {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    return url.toString();
  };
  return {
    cachingOnUrl: urlOn(onPort),
    cachingDisabledUrl: urlOn(offPort),
    stop: async () => {
      for (const socket of open) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
