import type { AppConfig } from "../../config.ts";
import { urlPolicy, webhookUrlProblem } from "../../events/webhook-url.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type * as routes from "./webhooks.routes.ts";
import * as service from "./webhooks.service.ts";

const notFound = (id: string) => new ApiError("not-found", { detail: `Webhook ${id} does not exist.` });

function requireAllowedUrl(config: AppConfig, url: string) {
  const problem = webhookUrlProblem(url, urlPolicy(config));
  if (problem) {
    throw new ApiError("validation-failed", {
      detail: problem,
      errors: [{ path: "body.url", message: problem }],
    });
  }
}

export const createWebhook: AppRouteHandler<routes.CreateWebhookRoute> = async (c) => {
  const body = c.req.valid("json");
  requireAllowedUrl(c.var.config, body.url);
  const created = await service.createWebhook(c.var.db, c.var.caller.userId, body);
  if (!created) {
    throw new ApiError("quota-exceeded", {
      detail: `An account has at most ${service.WEBHOOKS_PER_ACCOUNT} webhook endpoints; delete one first.`,
    });
  }
  c.var.log.info("audit", "webhook.created", { user_id: c.var.caller.userId, webhook_id: created.id });
  c.header("Location", `/webhooks/${created.id}`);
  return c.json(created, 201);
};

export const listWebhooks: AppRouteHandler<routes.ListWebhooksRoute> = async (c) => {
  return c.json({ items: await service.listWebhooks(c.var.db, c.var.caller.userId) }, 200);
};

export const getWebhook: AppRouteHandler<routes.GetWebhookRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const webhook = await service.getWebhook(c.var.db, c.var.caller.userId, id);
  if (!webhook) throw notFound(id);
  return c.json(webhook, 200);
};

export const updateWebhook: AppRouteHandler<routes.UpdateWebhookRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  if (patch.url !== undefined) requireAllowedUrl(c.var.config, patch.url);
  const webhook = await service.updateWebhook(c.var.db, c.var.caller.userId, id, patch);
  if (!webhook) throw notFound(id);
  return c.json(webhook, 200);
};

export const deleteWebhook: AppRouteHandler<routes.DeleteWebhookRoute> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await service.deleteWebhook(c.var.db, c.var.caller.userId, id))) throw notFound(id);
  c.var.log.info("audit", "webhook.deleted", { user_id: c.var.caller.userId, webhook_id: id });
  return c.body(null, 204);
};

export const pingWebhook: AppRouteHandler<routes.PingWebhookRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const ping = await service.pingWebhook(c.var.db, c.var.caller.userId, id);
  if (!ping) throw notFound(id);
  return c.json(ping, 202);
};

export const listDeliveries: AppRouteHandler<routes.ListDeliveriesRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const items = await service.listDeliveries(c.var.db, c.var.caller.userId, id, c.req.valid("query").limit);
  if (!items) throw notFound(id);
  return c.json({ items }, 200);
};
