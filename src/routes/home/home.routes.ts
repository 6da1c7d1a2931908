import { createRoute, z } from "@hono/zod-openapi";
import { commonErrorResponses } from "../../lib/openapi.ts";
import { publicAccess } from "../../middleware/route-auth.ts";

const LinkSchema = z
  .object({
    rel: z.string().openapi({ example: "service-doc" }),
    href: z.string().openapi({ example: "/docs" }),
    type: z.string().openapi({ example: "text/html" }),
    title: z.string().openapi({ example: "API reference (Swagger UI)" }),
  })
  .openapi("IndexLink");

export const ServiceIndexSchema = z
  .object({
    name: z.literal("devhub-api"),
    description: z.string(),
    version: z.string(),
    links: z.array(LinkSchema),
  })
  .openapi("ServiceIndex");

const FrontPageSchema = z
  .string()
  .openapi("FrontPageHtml", { description: "The front page, for a browser." });

export const homeRoute = createRoute({
  operationId: "getServiceIndex",
  ...publicAccess,
  method: "get",
  path: "/",
  tags: ["System"],
  summary: "The front door: what this service is and where everything lives (HTML or JSON by Accept)",
  responses: {
    200: {
      description:
        "A browser (`Accept: text/html`) gets the front page; any other client gets this index of links. " +
        "Both vary on `Accept`, so neither is stored by shared caches (most ignore `Vary`).",
      headers: {
        Vary: { description: "Always `Accept`.", schema: { type: "string" } },
        "Cache-Control": {
          description: "`no-store` for HTML, `private, max-age=300` for JSON.",
          schema: { type: "string" },
        },
      },
      content: {
        "application/json": { schema: ServiceIndexSchema },
        "text/html": { schema: FrontPageSchema },
      },
    },
    ...commonErrorResponses,
  },
});

export type HomeRoute = typeof homeRoute;
