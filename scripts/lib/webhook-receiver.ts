/**
 * A local webhook receiver for tests, development and the bench: records every delivery with
 * its headers, body and arrival time, per token, so parallel tests never see each other's.
 *
 * - `POST /hooks/<token>`: 204, unless the token is failing: `POST /__control/<token>`
 *   `{"fail": N}` answers the next N deliveries 500, `{"down": true}` answers 503 until
 *   `{"down": false}`. Refused deliveries are counted, not recorded.
 * - `GET /__received/<token>` → `{ received: [{ id, timestamp, signature, body, at }], refused }`.
 */
import http from "node:http";

export interface ReceivedDelivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Arrival, Unix milliseconds. */
  at: number;
}

export interface WebhookReceiver {
  url: string;
  /** Deliveries so far, for in-process users (the bench). */
  received(token: string): ReceivedDelivery[];
  control(token: string, control: { fail?: number; down?: boolean }): void;
  stop(): Promise<void>;
}

interface TokenState {
  received: ReceivedDelivery[];
  refused: number;
  fail: number;
  down: boolean;
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const tokens = new Map<string, TokenState>();
  const stateOf = (token: string): TokenState => {
    let state = tokens.get(token);
    if (!state) {
      state = { received: [], refused: 0, fail: 0, down: false };
      tokens.set(token, state);
    }
    return state;
  };
  const server = http.createServer(async (request, response) => {
    const [, kind, token = ""] = (request.url ?? "").split("?")[0]?.split("/") ?? [];
    const body = await readBody(request);
    const state = stateOf(token);
    if (request.method === "POST" && kind === "hooks") {
      if (state.down || state.fail > 0) {
        if (state.fail > 0) state.fail -= 1;
        state.refused += 1;
        response.writeHead(state.down ? 503 : 500).end();
        return;
      }
      state.received.push({
        id: String(request.headers["webhook-id"] ?? ""),
        timestamp: String(request.headers["webhook-timestamp"] ?? ""),
        signature: String(request.headers["webhook-signature"] ?? ""),
        body,
        at: Date.now(),
      });
      response.writeHead(204).end();
      return;
    }
    if (request.method === "POST" && kind === "__control") {
      const control = JSON.parse(body || "{}") as { fail?: number; down?: boolean };
      if (control.fail !== undefined) state.fail = control.fail;
      if (control.down !== undefined) state.down = control.down;
      response.writeHead(204).end();
      return;
    }
    if (request.method === "GET" && kind === "__received") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ received: state.received, refused: state.refused }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    received: (token) => stateOf(token).received,
    control: (token, control) => {
      const state = stateOf(token);
      if (control.fail !== undefined) state.fail = control.fail;
      if (control.down !== undefined) state.down = control.down;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
