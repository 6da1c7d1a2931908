import type { PollResults } from "../../src/routes/polls/polls.schemas.ts";
import { api } from "./api.ts";

export interface LiveMessage {
  type: "results" | "closed" | "deleted";
  results?: PollResults;
}

/** A WebSocket subscriber to a poll's live results, recording every message it receives. */
export async function subscribeLive(pollId: string, headers: Record<string, string> = {}) {
  const response = await api(`/polls/${pollId}/results/live`, {
    headers: { Upgrade: "websocket", ...headers },
  });
  if (response.status !== 101 || !response.webSocket) {
    throw new Error(`expected 101, got ${response.status}: ${await response.text()}`);
  }
  const socket = response.webSocket;
  socket.accept();
  const messages: LiveMessage[] = [];
  let closed: { code: number } | undefined;
  socket.addEventListener("message", (event) => messages.push(JSON.parse(String(event.data)) as LiveMessage));
  socket.addEventListener("close", (event) => {
    closed = { code: event.code };
  });
  /** Resolves with the first recorded message (from `from` on) that matches, or throws after timeoutMs. */
  async function waitFor(match: (message: LiveMessage) => boolean, from = 0, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return { socket, messages, waitFor, closed: () => closed };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
