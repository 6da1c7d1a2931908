import { createRouter } from "../../lib/openapi.ts";
import { requireAdmin, requireAuth } from "../../middleware/auth.ts";
import * as handlers from "./auth.handlers.ts";
import * as routes from "./auth.routes.ts";

export const authRouter = createRouter();

// Token responses, account data and key listings must never sit in a cache (RFC 6749 §5.1).
for (const path of ["/auth/*", "/me", "/admin/*"]) {
  authRouter.use(path, async function noStore(c, next) {
    await next();
    c.header("Cache-Control", "no-store");
  });
}

// Middleware is bound per path so public auth endpoints stay public.
authRouter.use("/me", requireAuth());
authRouter.use("/auth/api-keys", requireAuth());
authRouter.use("/auth/api-keys/*", requireAuth());
authRouter.use("/admin/*", requireAdmin());

authRouter
  .openapi(routes.registerRoute, handlers.register)
  .openapi(routes.loginRoute, handlers.login)
  .openapi(routes.refreshRoute, handlers.refresh)
  .openapi(routes.logoutRoute, handlers.logout)
  .openapi(routes.meRoute, handlers.me)
  .openapi(routes.createApiKeyRoute, handlers.createApiKey)
  .openapi(routes.listApiKeysRoute, handlers.listApiKeys)
  .openapi(routes.revokeApiKeyRoute, handlers.revokeApiKey)
  .openapi(routes.listUsersRoute, handlers.listUsers)
  .openapi(routes.disableUserRoute, handlers.disableUser)
  .openapi(routes.enableUserRoute, handlers.enableUser);
