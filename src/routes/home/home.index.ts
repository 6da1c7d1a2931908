import { createRouter } from "../../lib/openapi.ts";
import { home } from "./home.handlers.ts";
import { homeRoute } from "./home.routes.ts";

export const homeRouter = createRouter().openapi(homeRoute, home);
