import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./webhooks.handlers.ts";
import * as routes from "./webhooks.routes.ts";

/** Webhook endpoints of the caller's account; every route is `authed`. */
export const webhooksRouter = createRouter()
  .openapi(routes.createWebhookRoute, handlers.createWebhook)
  .openapi(routes.listWebhooksRoute, handlers.listWebhooks)
  .openapi(routes.getWebhookRoute, handlers.getWebhook)
  .openapi(routes.updateWebhookRoute, handlers.updateWebhook)
  .openapi(routes.deleteWebhookRoute, handlers.deleteWebhook)
  .openapi(routes.pingWebhookRoute, handlers.pingWebhook)
  .openapi(routes.listDeliveriesRoute, handlers.listDeliveries);
