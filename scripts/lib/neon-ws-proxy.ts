/**
 * A WebSocket→TCP proxy in front of PostgreSQL: the local stand-in for Neon's endpoint, made
 * the way Neon's open-source wsproxy works. Each WebSocket carries one PostgreSQL connection's
 * bytes as binary frames, both ways; the driver names its database in `?address=host:port`.
 * Like Neon's pooled endpoint, every socket goes to the one upstream given here (the suite's
 * PgBouncer), whatever address it names, except the frozen lane below.
 *
 * The frozen lane: a socket naming FROZEN_HOST relays the login, then stops relaying once the
 * session is ready, holding both directions open. That is a hop that stops answering
 * mid-session (a stalled proxy, a half-dead link), which only the client's own
 * `query_timeout` can cut short.
 */
import net from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** The database host a connection string names to take the frozen lane. */
export const FROZEN_HOST = "frozen.neon-proxy.localhost";

export interface NeonWsProxy {
  /** The `NEON_WS_PROXY` value that points the Neon driver here (`127.0.0.1:port/v2`). */
  address: string;
  stop(): Promise<void>;
}

/** ReadyForQuery ('Z'): the server has finished the login and waits for a query. */
const READY_FOR_QUERY = 0x5a;

/**
 * Watches the server's byte stream message by message (type byte, then a length that
 * counts itself) and reports the offset just past the first ReadyForQuery, once it arrives.
 */
function readyForQueryWatcher(): (chunk: Buffer) => number | undefined {
  let pending = Buffer.alloc(0);
  let consumed = 0;
  return (chunk) => {
    const start = consumed;
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const size = 1 + pending.readUInt32BE(1);
      if (pending.length < size) break;
      const type = pending[0];
      pending = pending.subarray(size);
      consumed += size;
      if (type === READY_FOR_QUERY) return consumed - start;
    }
    return undefined;
  };
}

function relay(socket: WebSocket, upstream: net.Socket, freezeWhenReady: boolean): void {
  let frozen = false;
  const watch = freezeWhenReady ? readyForQueryWatcher() : undefined;
  upstream.on("data", (chunk: Buffer) => {
    if (frozen) return;
    const readyAt = watch?.(chunk);
    if (readyAt !== undefined) {
      frozen = true;
      socket.send(chunk.subarray(0, readyAt));
      return;
    }
    socket.send(chunk);
  });
  socket.on("message", (data: Buffer) => {
    if (!frozen) upstream.write(data);
  });
  const closeBoth = () => {
    upstream.destroy();
    if (socket.readyState === socket.OPEN) socket.close();
  };
  upstream.on("close", closeBoth);
  upstream.on("error", closeBoth);
  socket.on("close", closeBoth);
  socket.on("error", closeBoth);
}

/**
 * Starts the proxy on a free loopback port, relaying to the server behind `upstreamUrl`.
 *
 * @example const proxy = await startNeonWsProxy(pool.url); // NEON_WS_PROXY = proxy.address
 */
export async function startNeonWsProxy(upstreamUrl: string): Promise<NeonWsProxy> {
  const target = new URL(upstreamUrl);
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  server.on("connection", (socket, request) => {
    const address = new URL(request.url ?? "/", "ws://proxy").searchParams.get("address") ?? "";
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    upstream.setNoDelay(true);
    relay(socket, upstream, address.split(":")[0] === FROZEN_HOST);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}/v2`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
