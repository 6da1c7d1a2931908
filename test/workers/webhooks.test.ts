import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordEvent } from "../../src/events/record-event.ts";
import type { DeliveryMessage } from "../../src/events/webhook-queue.ts";
import worker from "../../src/index.ts";
import { runOutboxSweep } from "../../src/scheduled.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { runSql } from "../helpers/db.ts";
import {
  controlReceiver,
  eventually,
  received,
  receiverToken,
  verifyStandardWebhook,
  withDatabase,
} from "../helpers/events.ts";
import { type NoteClient, noteClient } from "../helpers/notes.ts";

interface CreatedWebhook {
  id: string;
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
}

async function createWebhook(client: NoteClient, url: string, eventTypes = ["note.created"]) {
  const response = await client.send("POST", "/webhooks", { url, event_types: eventTypes });
  if (response.status !== 201) throw new Error(`create webhook: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedWebhook;
}

/** Runs the worker's queue handler on one message, as the platform would on attempt `attempts`. */
async function consume(queue: string, delivery: string, attempts = 1) {
  const batch = createMessageBatch<DeliveryMessage>(queue, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { delivery } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** A delivery created by recordEvent outside a request, so no queue message races the test. */
async function unsentDelivery(accountId: string, endpointId: string): Promise<string> {
  const eventId = await withDatabase((db) =>
    recordEvent(db, {
      accountId,
      type: "note.created",
      resourceId: crypto.randomUUID(),
      payload: { id: "x", version: 1 },
    }),
  );
  const [row] = await runSql<{ id: string }>(
    sql`SELECT id FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND event_id = ${eventId}`,
  );
  return String(row?.id);
}

const deliveryRow = async (id: string) =>
  (
    await runSql<{ status: string; attempts: number }>(
      sql`SELECT status, attempts FROM webhook_deliveries WHERE id = ${id}`,
    )
  )[0];

describe("webhook endpoints", () => {
  it("shows the secret once, lists without it, and isolates accounts", async () => {
    const alice = await noteClient();
    const bob = await noteClient();
    const { url } = receiverToken();
    const created = await createWebhook(alice, url);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await (await alice.get("/webhooks")).text();
    expect(listed).not.toContain(created.secret);
    expect(listed).toContain(created.id);
    expect(await (await bob.get("/webhooks")).json()).toEqual({ items: [] });
    for (const [method, path] of [
      ["GET", `/webhooks/${created.id}`],
      ["PATCH", `/webhooks/${created.id}`],
      ["POST", `/webhooks/${created.id}/ping`],
      ["GET", `/webhooks/${created.id}/deliveries`],
      ["DELETE", `/webhooks/${created.id}`],
    ] as const) {
      const response = await bob.send(method, path, method === "PATCH" ? { description: "mine" } : undefined);
      await expectProblem(response, 404, "not-found");
    }
    expect((await alice.send("DELETE", `/webhooks/${created.id}`)).status).toBe(204);
  });

  it("refuses loopback, private, link-local and metadata addresses", async () => {
    const client = await noteClient();
    const refused = [
      "https://10.0.0.5/hook",
      "https://172.16.3.4/hook",
      "https://192.168.1.1/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://[::]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "https://[::ffff:a9fe:a9fe]/hook",
      "https://167772161/hook", // 10.0.0.1 as one number
      "https://0xa.0.0.1/hook", // 10.0.0.1 in hex
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://printer.local/hook",
      "https://intranet/hook",
      "https://user:pass@hooks.example.com/hook",
      "ftp://hooks.example.com/hook",
      "http://hooks.example.com/hook",
    ];
    for (const url of refused) {
      const response = await client.send("POST", "/webhooks", { url, event_types: ["note.created"] });
      const problem = await expectProblem(response, 422, "validation-failed");
      expect(problem.errors?.[0]?.path, url).toBe("body.url");
    }
    expect((await client.get("/webhooks")).status).toBe(200);
    expect(((await (await client.get("/webhooks")).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("allows a loopback receiver only with WEBHOOK_ALLOW_LOOPBACK, and never in production", async () => {
    const client = await noteClient();
    const { url } = receiverToken();
    const body = JSON.stringify({ url, event_types: ["note.created"] });
    const post = (overrides: Record<string, unknown>) =>
      apiWithEnv(overrides)("/webhooks", {
        method: "POST",
        headers: { ...client.auth, "content-type": "application/json" },
        body,
      });
    await expectProblem(await post({ WEBHOOK_ALLOW_LOOPBACK: "false" }), 422, "validation-failed");
    await expectProblem(await post({ ENVIRONMENT: "production" }), 422, "validation-failed");
    expect((await post({})).status).toBe(201);
  });
});

describe("webhook deliveries", () => {
  it("delivers a committed event through the queue, signed per Standard Webhooks", async () => {
    const client = await noteClient();
    const { token, url } = receiverToken();
    const webhook = await createWebhook(client, url, ["note.created", "note.trashed"]);
    const note = await client.create({ title: "pushed" });
    const [delivery] = await eventually(async () => {
      const got = (await received(token)).received;
      return got.length > 0 ? got : undefined;
    });
    expect(delivery).toBeDefined();
    if (!delivery) return;
    expect(verifyStandardWebhook(webhook.secret, delivery)).toBe(true);
    // The same check with another secret, or a body changed by one byte, fails.
    expect(verifyStandardWebhook(`whsec_${btoa("another secret of 24 byte")}`, delivery)).toBe(false);
    expect(verifyStandardWebhook(webhook.secret, { ...delivery, body: `${delivery.body} ` })).toBe(false);
    const body = JSON.parse(delivery.body);
    expect(body).toMatchObject({
      type: "note.created",
      data: {
        id: delivery.id,
        type: "note.created",
        resource: { type: "note", id: note.id },
        data: { version: 1 },
      },
    });
    expect(delivery.body).not.toContain("pushed"); // payloads carry ids, not content
    const log = (await (await client.get(`/webhooks/${webhook.id}/deliveries`)).json()) as {
      items: Array<{ event_id: string; status: string; attempts: number; last_status_code: number }>;
    };
    expect(log.items).toMatchObject([
      { event_id: delivery.id, status: "delivered", attempts: 1, last_status_code: 204 },
    ]);
  });

  it("a ping reaches the endpoint it was asked for, signed", async () => {
    const client = await noteClient();
    const { token, url } = receiverToken();
    const webhook = await createWebhook(client, url);
    const response = await client.send("POST", `/webhooks/${webhook.id}/ping`);
    expect(response.status).toBe(202);
    const ping = (await response.json()) as { event_id: string };
    const [delivery] = await eventually(async () => {
      const got = (await received(token)).received;
      return got.length > 0 ? got : undefined;
    });
    expect(delivery?.id).toBe(ping.event_id);
    expect(delivery && verifyStandardWebhook(webhook.secret, delivery)).toBe(true);
  });

  it("delivers at most once per endpoint and event, even when attempted twice at once", async () => {
    const client = await noteClient();
    const { token, url } = receiverToken();
    const webhook = await createWebhook(client, url);
    const id = await unsentDelivery(client.user.tokens.user.id, webhook.id);
    const results = await Promise.all([consume("devhub-webhooks", id), consume("devhub-webhooks", id)]);
    const again = await consume("devhub-webhooks", id);
    expect(again.explicitAcks).toHaveLength(1);
    expect((await received(token)).received).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ status: "delivered" });
    // The loser of the race was told to retry later, not acked as delivered twice.
    expect(results.flatMap((result) => result.retryMessages)).toHaveLength(
      results.filter((r) => r.retryMessages.length).length,
    );
  });

  it("retries with growing delays, then the dead-letter queue buries it and a failing endpoint is disabled", async () => {
    const client = await noteClient();
    const { token, url } = receiverToken();
    await controlReceiver(token, { down: true });
    const webhook = await createWebhook(client, url);
    const accountId = client.user.tokens.user.id;
    const delays: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const id = await unsentDelivery(accountId, webhook.id);
      if (round === 0) {
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          const result = await consume("devhub-webhooks", id, attempt);
          expect(result.retryMessages).toHaveLength(1);
          const [timing] = await runSql<{ delay: number }>(
            sql`SELECT round(extract(epoch FROM next_attempt_at - last_attempt_at))::int AS delay
                FROM webhook_deliveries WHERE id = ${id}`,
          );
          delays.push(Number(timing?.delay));
        }
        expect(await deliveryRow(id)).toMatchObject({ status: "failed", attempts: 3 });
      } else {
        expect((await consume("devhub-webhooks", id)).retryMessages).toHaveLength(1);
      }
      const buried = await consume("devhub-webhooks-dlq", id);
      expect(buried.explicitAcks).toHaveLength(1);
      expect(await deliveryRow(id)).toMatchObject({ status: "dead" });
    }
    expect(delays).toEqual([60, 240, 960]);
    const shown = (await (await client.get(`/webhooks/${webhook.id}`)).json()) as CreatedWebhook;
    expect(shown.enabled).toBe(false);
    expect(shown.disabled_reason).toContain("3 deliveries in a row failed");
    expect(shown.disabled_reason).toContain("HTTP 503");
    // Disabled: new events create no deliveries for it, until its owner re-enables it.
    await client.create({ title: "not delivered" });
    const [count] = await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ${webhook.id}`,
    );
    expect(count?.n).toBe(3);
    const enabled = await client.send("PATCH", `/webhooks/${webhook.id}`, { enabled: true });
    expect(await enabled.json()).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("the sweeper sends deliveries whose request never enqueued them", async () => {
    const client = await noteClient();
    const { token, url } = receiverToken();
    const webhook = await createWebhook(client, url);
    const id = await unsentDelivery(client.user.tokens.user.id, webhook.id);
    await runSql(
      sql`UPDATE webhook_deliveries SET created_at = now() - interval '2 minutes' WHERE id = ${id}`,
    );
    expect(await runOutboxSweep(env)).toBeGreaterThanOrEqual(1);
    await eventually(async () => ((await received(token)).received.length === 1 ? true : undefined));
    expect(await deliveryRow(id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("re-checks the URL at delivery: a refused address is never called", async () => {
    const client = await noteClient();
    const webhook = await createWebhook(client, receiverToken().url);
    await runSql(
      sql`UPDATE webhook_endpoints SET url = 'https://169.254.169.254/latest' WHERE id = ${webhook.id}`,
    );
    const id = await unsentDelivery(client.user.tokens.user.id, webhook.id);
    const result = await consume("devhub-webhooks", id);
    expect(result.explicitAcks).toHaveLength(1);
    const [row] = await runSql<{ status: string; last_error: string }>(
      sql`SELECT status, last_error FROM webhook_deliveries WHERE id = ${id}`,
    );
    expect(row).toMatchObject({ status: "dead" });
    expect(row?.last_error).toContain("URL refused");
  });
});
