import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * True when a route handler matched the request, not only middleware (`use`
 * registers `ALL`) or a catch-all (the dashboard's `GET *` fallback). The
 * app-wide middleware steps aside otherwise, so an unknown path is the JSON
 * 404 whatever the key or body.
 */
export const hasRoute = (c: Context): boolean =>
  matchedRoutes(c).some((route) => route.method !== "ALL" && route.path !== "*" && route.path !== "/*");
