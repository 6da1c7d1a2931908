/**
 * Serves an embedded PGlite database over the Postgres wire protocol to many clients.
 *
 * PGlite is a single Postgres session. pglite-socket's server interleaves clients
 * message by message, which lets one client's Bind land on another client's Parse.
 * This server hands the session to one client at a time and switches only at a
 * ReadyForQuery that reports "idle" (no open transaction, no unfinished extended-query
 * batch): the same rule pgbouncer's transaction pooling uses.
 */
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S'
/** A client that holds the session this long without sending anything is cut off. */
const HOLD_IDLE_LIMIT_MS = 30_000;

type TxStatus = "I" | "T" | "E";

/** A FIFO mutex over the one PGlite session. */
class SessionLock {
  private holder: object | null = null;
  private readonly waiters: Array<{ owner: object; grant: () => void }> = [];

  acquire(owner: object): Promise<void> {
    if (this.holder === owner) return Promise.resolve();
    if (this.holder === null) {
      this.holder = owner;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiters.push({ owner, grant }));
  }

  release(owner: object): void {
    if (this.holder !== owner) return;
    const next = this.waiters.shift();
    this.holder = next?.owner ?? null;
    next?.grant();
  }

  forget(owner: object): void {
    const index = this.waiters.findIndex((waiter) => waiter.owner === owner);
    if (index >= 0) this.waiters.splice(index, 1);
    this.release(owner);
  }

  holds(owner: object): boolean {
    return this.holder === owner;
  }
}

/** The status byte of the last ReadyForQuery in a chunk of backend messages, if any. */
function lastTransactionStatus(output: Uint8Array): TxStatus | undefined {
  let status: TxStatus | undefined;
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  let offset = 0;
  while (offset + 5 <= output.length) {
    const type = output[offset];
    const length = view.getInt32(offset + 1);
    if (type === READY_FOR_QUERY && length === 5 && offset + 5 < output.length) {
      status = String.fromCharCode(output[offset + 5] as number) as TxStatus;
    }
    offset += 1 + length;
  }
  return status;
}

class ClientConnection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private status: TxStatus = "I";
  private processing = false;
  private closed = false;
  private holdTimer: NodeJS.Timeout | undefined;

  private readonly socket: net.Socket;
  private readonly db: PGlite;
  private readonly lock: SessionLock;

  constructor(socket: net.Socket, db: PGlite, lock: SessionLock) {
    this.socket = socket;
    this.db = db;
    this.lock = lock;
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      void this.drain();
    });
    socket.on("close", () => void this.close());
    socket.on("error", () => void this.close());
  }

  /** Splits off one complete frontend message, answering the pre-startup probes itself. */
  private nextMessage(): Buffer | undefined {
    while (!this.started && this.buffer.length >= 8) {
      const length = this.buffer.readInt32BE(0);
      const code = this.buffer.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N");
        this.buffer = this.buffer.subarray(8);
        continue;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.destroy();
        return undefined;
      }
      if (this.buffer.length < length) return undefined;
      this.started = true;
      const startup = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      return startup;
    }
    if (!this.started || this.buffer.length < 5) return undefined;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return undefined;
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let message = this.nextMessage(); message; message = this.nextMessage()) {
        if (message[0] === TERMINATE && this.started) {
          this.socket.end();
          break;
        }
        await this.lock.acquire(this);
        if (this.closed) break;
        this.armHoldTimer();
        const output = await this.db.execProtocolRaw(new Uint8Array(message));
        if (output.length > 0 && !this.socket.destroyed) this.socket.write(output);
        this.status = lastTransactionStatus(output) ?? this.status;
        // Hand the session on only at a clean boundary, and only if this client has
        // nothing more queued (its next message would otherwise lose its turn).
        const atBoundary = lastTransactionStatus(output) === "I";
        if (atBoundary && this.buffer.length === 0) this.releaseSession();
      }
    } catch {
      this.socket.destroy();
    } finally {
      this.processing = false;
    }
  }

  private armHoldTimer(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.socket.destroy(), HOLD_IDLE_LIMIT_MS);
  }

  private releaseSession(): void {
    clearTimeout(this.holdTimer);
    this.lock.release(this);
  }

  /** A client that vanishes mid-transaction must not leave the shared session dirty. */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.holdTimer);
    if (!this.lock.holds(this)) {
      this.lock.forget(this);
      return;
    }
    try {
      const output = await this.db.execProtocolRaw(SYNC_MESSAGE);
      const status = lastTransactionStatus(output) ?? this.status;
      if (status !== "I") await this.db.exec("ROLLBACK");
    } catch {
      // The session is reset as far as it can be; the next client starts clean anyway.
    } finally {
      this.lock.forget(this);
    }
  }
}

export interface WireServer {
  port: number;
  stop(): Promise<void>;
}

export async function serveOverWire(db: PGlite, port: number, host = "127.0.0.1"): Promise<WireServer> {
  await db.waitReady;
  const lock = new SessionLock();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    new ClientConnection(socket, db, lock);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  return {
    port: boundPort,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
