import { createRoute } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonBody,
  jsonContent,
  notFoundResponse,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  DeliveryListSchema,
  ListDeliveriesQuerySchema,
  PingSchema,
  UpdateWebhookSchema,
  WebhookListSchema,
  WebhookSchema,
} from "./webhooks.schemas.ts";

const uncachedAuthed = routeOptions({ access: authed, scope: "webhooks:write", cache: "no-store" });
const tags = ["Webhooks"];

export const createWebhookRoute = createRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/webhooks",
  tags,
  summary: "Register a webhook endpoint (its signing secret is shown this once)",
  description:
    "Events of the listed types are POSTed to the URL, signed per Standard Webhooks (docs/events.md). " +
    "At most 10 endpoints per account.",
  ...uncachedAuthed,
  request: { body: jsonBody(CreateWebhookSchema) },
  responses: {
    201: {
      description: "Created; `secret` is never shown again.",
      headers: responseHeaders.location,
      content: jsonContent(CreatedWebhookSchema),
    },
    ...unauthorizedResponse,
    ...conflictResponse("`quota-exceeded`: the account already has 10 endpoints."),
    ...databaseErrorResponses,
  },
});

export const listWebhooksRoute = createRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/webhooks",
  tags,
  summary: "The caller's webhook endpoints (never their secrets)",
  ...uncachedAuthed,
  responses: {
    200: { description: "Every endpoint, enabled or not.", content: jsonContent(WebhookListSchema) },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const getWebhookRoute = createRoute({
  operationId: "getWebhook",
  method: "get",
  path: "/webhooks/{id}",
  tags,
  summary: "One endpoint, with why it was disabled if it was",
  ...uncachedAuthed,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The endpoint.", content: jsonContent(WebhookSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const updateWebhookRoute = createRoute({
  operationId: "updateWebhook",
  method: "patch",
  path: "/webhooks/{id}",
  tags,
  summary: "Change an endpoint's URL, types or description, or re-enable it",
  ...uncachedAuthed,
  request: { params: IdParamSchema, body: jsonBody(UpdateWebhookSchema) },
  responses: {
    200: { description: "The endpoint as changed.", content: jsonContent(WebhookSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const deleteWebhookRoute = createRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/webhooks/{id}",
  tags,
  summary: "Delete an endpoint and its deliveries log",
  ...uncachedAuthed,
  request: { params: IdParamSchema },
  responses: {
    204: { description: "Deleted; pending deliveries are dropped." },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const pingWebhookRoute = createRoute({
  operationId: "pingWebhook",
  method: "post",
  path: "/webhooks/{id}/ping",
  tags,
  summary: "Send a signed `webhook.ping` to this endpoint (also when disabled)",
  ...routeOptions({ access: authed, scope: "webhooks:write", cache: "no-store", limits: ["webhook_ping"] }),
  request: { params: IdParamSchema },
  responses: {
    202: {
      description: "Queued; follow it in the deliveries log.",
      content: jsonContent(PingSchema),
    },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const listDeliveriesRoute = createRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/webhooks/{id}/deliveries",
  tags,
  summary: "The endpoint's latest deliveries: status, attempts, last response",
  ...uncachedAuthed,
  request: { params: IdParamSchema, query: ListDeliveriesQuerySchema },
  responses: {
    200: { description: "Newest first.", content: jsonContent(DeliveryListSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export type CreateWebhookRoute = typeof createWebhookRoute;
export type ListWebhooksRoute = typeof listWebhooksRoute;
export type GetWebhookRoute = typeof getWebhookRoute;
export type UpdateWebhookRoute = typeof updateWebhookRoute;
export type DeleteWebhookRoute = typeof deleteWebhookRoute;
export type PingWebhookRoute = typeof pingWebhookRoute;
export type ListDeliveriesRoute = typeof listDeliveriesRoute;
