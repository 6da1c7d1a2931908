/**
 * The live-results sockets' limits, as the poll's object applies them to its own sockets
 * (it alone knows them): caps per client address and per poll at the upgrade, and the idle
 * close. Figures come from the upgrade request (AppConfig.liveSockets via the worker).
 */

/** Which cap refused a socket (the worker turns it into a 429 or a 503 problem). */
export type LiveRefusal = "address" | "poll";

/** What each socket carries through hibernation: when it opened (its idle clock starts there). */
interface SocketState {
  openedAt: number;
}

/** The tag that groups one client address's sockets (a keyed per-poll hash, never the address). */
export const addressTag = (addressHash: string) => `address:${addressHash}`;

/** The refusal for one more socket, or undefined when the poll and the address have room. */
export function socketCapRefusal(
  ctx: DurableObjectState,
  tag: string,
  caps: { perPoll: number; perAddress: number },
): Response | undefined {
  let cap: LiveRefusal | undefined;
  if (ctx.getWebSockets().length >= caps.perPoll) cap = "poll";
  else if (ctx.getWebSockets(tag).length >= caps.perAddress) cap = "address";
  // The worker reads the header and answers with the problem.
  return cap && new Response(null, { status: 429, headers: { "X-Live-Refused": cap } });
}

/** Starts the socket's idle clock. */
export function markOpened(socket: WebSocket): void {
  socket.serializeAttachment({ openedAt: Date.now() } satisfies SocketState);
}

/**
 * Closes (1001) sockets that have sent nothing, not even "ping", for `idleMs`: a client that
 * vanished without a close, or one holding a slot it does not use. A "ping" is answered by
 * the runtime without waking the object, so it is seen through the auto-response timestamp.
 */
export function closeIdleSockets(ctx: DurableObjectState, idleMs: number): void {
  const now = Date.now();
  for (const socket of ctx.getWebSockets()) {
    const openedAt = (socket.deserializeAttachment() as SocketState | null)?.openedAt ?? 0;
    const pingedAt = ctx.getWebSocketAutoResponseTimestamp(socket)?.getTime() ?? 0;
    if (now - Math.max(openedAt, pingedAt) < idleMs) continue;
    try {
      socket.close(1001, "idle");
    } catch {
      // Already closing.
    }
  }
}
