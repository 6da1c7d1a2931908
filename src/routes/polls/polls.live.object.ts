import { DurableObject } from "cloudflare:workers";
import { type AppConfig, loadConfig } from "../../config.ts";
import { addressTag, closeIdleSockets, markOpened, socketCapRefusal } from "./polls.live.limits.ts";

/**
 * Who a subscriber is, as a WebSocket tag: `results` may see every update (the REST read
 * would answer 200), `closed-only` is waiting for an `after_close` poll to close.
 */
export type LiveAudience = "results" | "closed-only";
const LIVE_AUDIENCES: LiveAudience[] = ["results", "closed-only"];

/** At most one message per window: a burst of votes is a handful of sends, not one per vote. */
export const COALESCE_MS = 250;

interface Snapshot {
  status: "open" | "closed";
  closesAt: string | null;
  message: string;
  readAt: number;
}

/** A backstop for a lost vote notification: a cached snapshot is re-read after this. */
const SNAPSHOT_MAX_AGE_MS = 2_000;

/**
 * One object per poll fans results out to its WebSocket subscribers. PostgreSQL stays the
 * source of truth: votes only mark the object dirty, and an alarm (at most one per window)
 * reads the maintained counts once and sends the same bytes to everyone allowed to see them.
 * Sockets are accepted through the Hibernation API, so an idle poll costs no duration while
 * its subscribers stay connected.
 */
export class PollLiveObject extends DurableObject<Env> {
  /** The poll's results as last read, until a vote makes them stale (memory only: hibernation drops it). */
  private snapshot: Snapshot | undefined;
  private reading: Promise<Snapshot | undefined> | undefined;
  /** Bumped by every vote, so a read that raced a vote is sent but not kept as current. */
  private generation = 0;
  private lastSent: string | undefined;
  private lastFlushAt = 0;
  /**
   * The object is its own entry point (its alarms run without a request from the worker),
   * so it reads its configuration here, once, like the cron does.
   */
  private readonly config: AppConfig;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * The WebSocket upgrade, forwarded by the worker once it has checked visibility. Refused
   * (with `X-Live-Refused`) when the poll or this address already holds its share of sockets.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const param = (name: string) => url.searchParams.get(name) ?? "";
    const audience = param("audience") as LiveAudience;
    if (!LIVE_AUDIENCES.includes(audience)) return new Response("bad audience", { status: 400 });
    const tag = addressTag(param("address"));
    const caps = { perPoll: Number(param("perPoll")), perAddress: Number(param("perAddress")) };
    const refusal = socketCapRefusal(this.ctx, tag, caps);
    if (refusal) return refusal;
    this.ctx.storage.kv.put("poll", param("poll"));
    this.ctx.storage.kv.put("idleMs", Number(param("idleSeconds")) * 1000);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [audience, tag]);
    markOpened(server);
    const snapshot = await this.read();
    if (snapshot === undefined) {
      server.send(JSON.stringify({ type: "deleted" }));
      server.close(1000, "poll deleted");
    } else if (snapshot.status === "closed" || audience === "results") {
      server.send(snapshot.message);
    }
    await this.armDeadline(snapshot);
    await this.armIdleSweep();
    const protocol = url.searchParams.get("protocol");
    const headers: HeadersInit = protocol ? { "Sec-WebSocket-Protocol": protocol } : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Called (RPC) after every counted vote or edit; cheap when nobody listens. */
  async resultsChanged(): Promise<void> {
    this.generation += 1;
    this.snapshot = undefined;
    if (this.ctx.getWebSockets("results").length === 0) return;
    // Leading edge: a vote after a quiet spell goes out at once; later ones wait for the
    // window to end, so subscribers get at most one message per COALESCE_MS.
    const at = Math.max(Date.now(), this.lastFlushAt + COALESCE_MS);
    const pending = await this.ctx.storage.getAlarm();
    if (pending === null || pending > at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Called (RPC) after the owner edits the poll: followers get the new title like any change,
   * and a moved `closes_at` re-arms the close for everyone waiting on it (also when only
   * `closed-only` subscribers listen, whom resultsChanged() alone would skip).
   */
  async pollEdited(): Promise<void> {
    await this.resultsChanged();
    if (this.ctx.getWebSockets().length > 0) await this.armDeadline(await this.read());
  }

  /** Called (RPC) when the owner closes the poll: everyone gets the final result now. */
  async pollClosed(): Promise<void> {
    this.snapshot = undefined;
    await this.flush();
  }

  /** Called (RPC) when the poll is deleted: subscribers are told and disconnected. */
  async pollDeleted(): Promise<void> {
    this.snapshot = undefined;
    this.broadcast(JSON.stringify({ type: "deleted" }), this.ctx.getWebSockets());
    for (const socket of this.ctx.getWebSockets()) socket.close(1000, "poll deleted");
    await this.ctx.storage.deleteAlarm();
  }

  override async alarm(): Promise<void> {
    // A deadline alarm must see the poll as the database has it now: a snapshot read before the
    // deadline still says "open" and would withhold the final result until it ages out.
    const closesAt = this.snapshot?.closesAt;
    if (closesAt && Date.parse(closesAt) <= Date.now()) this.snapshot = undefined;
    closeIdleSockets(this.ctx, this.idleMs());
    // Also the backstop for a lost vote notification: at most one read per sweep.
    await this.flush();
    // One alarm serves the window, the deadline and the sweep: each firing re-arms the
    // earliest still due (read() returns the snapshot flush just took).
    await this.armDeadline(await this.read());
    await this.armIdleSweep();
  }

  /**
   * Subscribers have nothing to say: "ping" is answered by the runtime without waking us (see
   * constructor), so anything that arrives here breaks the protocol. Closing at once keeps one
   * client from waking (and billing) the object, and delaying the others' updates, per frame.
   */
  override async webSocketMessage(socket: WebSocket): Promise<void> {
    socket.close(1008, "subscribers may send only ping");
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // Already closed (the runtime may have answered the close frame itself).
    }
  }

  /** As the last upgrade's configuration set it (an alarm has no request to read it from). */
  private idleMs(): number {
    return this.ctx.storage.kv.get<number>("idleMs") ?? 120_000;
  }

  /** While sockets are open, an alarm at least every half idle time looks for idle ones. */
  private async armIdleSweep(): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    const at = Date.now() + Math.ceil(this.idleMs() / 2);
    const pending = await this.ctx.storage.getAlarm();
    if (pending === null || pending > at) await this.ctx.storage.setAlarm(at);
  }

  /** Reads once and sends: updates to `results` subscribers, or the final result to all. */
  private async flush(): Promise<void> {
    this.lastFlushAt = Date.now();
    const previous = this.lastSent;
    const snapshot = await this.read();
    if (snapshot === undefined) return this.pollDeleted();
    if (snapshot.message === previous) return;
    this.lastSent = snapshot.message;
    const targets =
      snapshot.status === "closed" ? this.ctx.getWebSockets() : this.ctx.getWebSockets("results");
    this.broadcast(snapshot.message, targets);
    await this.armDeadline(snapshot);
  }

  private broadcast(message: string, sockets: WebSocket[]): void {
    for (const socket of sockets) {
      try {
        socket.send(message);
      } catch {
        // A socket closing under us is not the others' problem.
      }
    }
  }

  /** A poll can close by its deadline with no request to tell us: wake up then. */
  private async armDeadline(snapshot: Snapshot | undefined): Promise<void> {
    if (!snapshot?.closesAt || snapshot.status === "closed") return;
    const at = Date.parse(snapshot.closesAt) + 50;
    const pending = await this.ctx.storage.getAlarm();
    if (pending === null || pending > at) await this.ctx.storage.setAlarm(at);
  }

  /** The current results, read from PostgreSQL at most once at a time; undefined once deleted. */
  private read(): Promise<Snapshot | undefined> {
    if (this.snapshot && Date.now() - this.snapshot.readAt < SNAPSHOT_MAX_AGE_MS)
      return Promise.resolve(this.snapshot);
    this.reading ??= this.readFromDatabase().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readFromDatabase(): Promise<Snapshot | undefined> {
    const pollId = this.ctx.storage.kv.get<string>("poll");
    if (!pollId) return undefined;
    const generation = this.generation;
    // Loaded on first use: the worker's startup evaluates this class, not the database code.
    const [{ createDatabase }, { getPoll }, { buildResults }] = await Promise.all([
      import("../../db/client.ts"),
      import("./polls.service.ts"),
      import("./polls.results.ts"),
    ]);
    const database = createDatabase(this.config, this.env.HYPERDRIVE);
    try {
      const poll = await getPoll(database.db, pollId, [], { withCounts: true });
      if (!poll) return undefined;
      const results = buildResults(poll);
      const type = poll.status === "closed" ? "closed" : "results";
      const snapshot: Snapshot = {
        status: poll.status,
        closesAt: poll.closes_at,
        message: JSON.stringify({ type, results }),
        readAt: Date.now(),
      };
      if (generation === this.generation) this.snapshot = snapshot;
      return snapshot;
    } finally {
      await database.close();
    }
  }
}
