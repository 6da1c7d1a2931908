import { env } from "cloudflare:workers";
import { createHmac, timingSafeEqual } from "node:crypto";
import { inject } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createDatabase, type Database } from "../../src/db/client.ts";
import type { Event } from "../../src/routes/events/events.schemas.ts";
import type { NoteClient } from "./notes.ts";

interface EventPage {
  items: Event[];
  next_cursor: string;
  has_more: boolean;
}

/** GET /events as `client`; throws on anything but 200. */
export async function eventPage(client: NoteClient, query = ""): Promise<EventPage> {
  const response = await client.get(`/events${query ? `?${query}` : ""}`);
  if (response.status !== 200) throw new Error(`GET /events: ${response.status} ${await response.text()}`);
  return (await response.json()) as EventPage;
}

/** Follows the log from `cursor` to its end, `limit` per page; returns the events and where to resume. */
export async function followEvents(client: NoteClient, cursor: string | undefined, limit: number) {
  const events: Event[] = [];
  let pages = 0;
  for (;;) {
    const params = new URLSearchParams({ limit: String(limit) });
    if (cursor) params.set("cursor", cursor);
    const page = await eventPage(client, params.toString());
    pages += 1;
    events.push(...page.items);
    cursor = page.next_cursor;
    if (!page.has_more) return { events, cursor, pages };
  }
}

/** A database handle for service-level tests (writes that no request enqueues). */
export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const handle = createDatabase(loadConfig(env), env.HYPERDRIVE);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** A receiver path of its own (scripts/lib/webhook-receiver.ts). */
export function receiverToken(): { token: string; url: string } {
  const token = crypto.randomUUID();
  return { token, url: `${inject("webhookReceiverUrl")}/hooks/${token}` };
}

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  at: number;
}

export async function received(token: string): Promise<{ received: Received[]; refused: number }> {
  const response = await fetch(`${inject("webhookReceiverUrl")}/__received/${token}`);
  return (await response.json()) as { received: Received[]; refused: number };
}

export async function controlReceiver(token: string, control: { fail?: number; down?: boolean }) {
  await fetch(`${inject("webhookReceiverUrl")}/__control/${token}`, {
    method: "POST",
    body: JSON.stringify(control),
  });
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The Standard Webhooks verification, written from the specification with node:crypto and
 * nothing of the worker's: the key is the base64 after `whsec_`, the signed content is
 * `${id}.${timestamp}.${body}`, and the header lists space-separated `v1,<base64>` signatures.
 */
export function verifyStandardWebhook(secret: string, delivery: Received, toleranceSeconds = 300): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key)
    .update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`)
    .digest();
  const age = Math.abs(Date.now() / 1000 - Number(delivery.timestamp));
  if (!(age <= toleranceSeconds)) return false;
  return delivery.signature.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
