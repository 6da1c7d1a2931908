import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./auth.handlers.ts";
import * as routes from "./auth.routes.ts";

/** Access (and `no-store`) is declared on each route in auth.routes.ts. */
export const authRouter = createRouter()
  .openapi(routes.registerRoute, handlers.register)
  .openapi(routes.loginRoute, handlers.login)
  .openapi(routes.refreshRoute, handlers.refresh)
  .openapi(routes.logoutRoute, handlers.logout)
  .openapi(routes.meRoute, handlers.me)
  .openapi(routes.createApiKeyRoute, handlers.createApiKey)
  .openapi(routes.listApiKeysRoute, handlers.listApiKeys)
  .openapi(routes.getApiKeyRoute, handlers.getApiKey)
  .openapi(routes.revokeApiKeyRoute, handlers.revokeApiKey)
  .openapi(routes.rotateApiKeyRoute, handlers.rotateApiKey)
  .openapi(routes.listUsersRoute, handlers.listUsers)
  .openapi(routes.disableUserRoute, handlers.disableUser)
  .openapi(routes.enableUserRoute, handlers.enableUser);
