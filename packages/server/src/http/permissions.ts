import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { ApiKeyRecord, KeyRole, LabelActor } from "../storage/index.js";
import type { AuthVariables } from "./auth.js";
import { hasRoute } from "./has-route.js";
import { ForbiddenError } from "./route-errors.js";

/**
 * Who may call what (decision 0007). Roles are ordered: each may do what the
 * ones before it may, and more.
 * - `runner`: read prompts and templates, run them, write and read the
 *   request log, the track helpers, groups. Nothing that changes the registry.
 * - `editor`: also publish versions, and move or delete labels that are not
 *   protected.
 * - `deployer`: also protected labels (a publish naming one included).
 * - `admin`: also API keys and which labels are protected.
 */
export const keyRoles: readonly KeyRole[] = ["runner", "editor", "deployer", "admin"];

/** What each role adds, for the messages of a refusal. */
const rolePowers: Record<KeyRole, string> = {
  runner: "reads and runs prompts and writes logs",
  editor: "publishes versions and moves labels that are not protected",
  deployer: "also moves, deletes and publishes onto protected labels",
  admin: "also manages API keys and label protection",
};

export const hasRole = (key: Pick<ApiKeyRecord, "role">, needed: KeyRole): boolean => keyRoles.indexOf(key.role) >= keyRoles.indexOf(needed);

/**
 * A routes module's permissions: `METHOD path`, exactly as the module
 * registers the route with Hono, to the least role that may call it. Every
 * authenticated route must have a row (a route without one is refused), and
 * `role-permissions.test.ts` calls every route with every role.
 */
export type RoutePermissions = Readonly<Record<string, KeyRole>>;

/** The rows of a routes module mounted at `prefix`, keyed by the full path Hono matches. */
export function mountPermissions(prefix: string, permissions: RoutePermissions): Record<string, KeyRole> {
  const base = prefix.replace(/\/+$/, "");
  return Object.fromEntries(
    Object.entries(permissions).map(([route, role]) => {
      const space = route.indexOf(" ");
      return [`${route.slice(0, space)} ${base}${route.slice(space + 1)}`, role];
    }),
  );
}

/**
 * `METHOD path` of the authenticated route that answers the request, if any:
 * middleware, catch-alls and the public routes (which answer before
 * authentication, or fall through when they have nothing, like a dashboard
 * file that doesn't exist) left out.
 */
function answeringRoute(c: Context, publicRoutes: ReadonlySet<string>): string | undefined {
  for (const route of matchedRoutes(c)) {
    if (route.method === "ALL" || route.path === "*" || route.path === "/*") continue;
    const name = `${route.method} ${route.path}`;
    if (!publicRoutes.has(name)) return name;
  }
  return undefined;
}

/** The refusal of a key whose role is below the one a route needs: 403 `forbidden`, naming the role needed. */
export function forbiddenFor(key: Pick<ApiKeyRecord, "role">, needed: KeyRole, what: string): ForbiddenError {
  return new ForbiddenError(
    `${what} needs the ${needed} role (a ${needed} key ${rolePowers[needed]}); this key is a ${key.role}. Use a ${needed} or higher key, or ask an admin for one (promptline keys create <name> --role ${needed}).`,
    { required_role: needed, role: key.role },
  );
}

/**
 * The one enforcement of the route table, after authentication: the key's
 * role must reach the row of the route that will answer. A route with no row
 * is refused as our own bug (500), never let through.
 */
export function requirePermission(
  permissions: RoutePermissions,
  /** `METHOD path` of the routes that need no key (registered before the authenticated ones). */
  publicRoutes: ReadonlySet<string> = new Set(),
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!hasRoute(c)) return next();
    const route = answeringRoute(c, publicRoutes);
    // Only public routes matched (and fell through): the JSON 404 follows.
    if (route === undefined) return next();
    const needed = permissions[route];
    if (needed === undefined) throw new Error(`The route ${route} has no row in the permission table: add one next to the route.`);
    const key = c.get("apiKey");
    if (!hasRole(key, needed)) throw forbiddenFor(key, needed, `${c.req.method} ${c.req.path}`);
    await next();
  };
}

/**
 * The actor of a label write: recorded in the label history, and allowed to
 * change protected labels only from `deployer` up. Every route that moves,
 * deletes or publishes onto a label passes this to the storage, which checks
 * protection inside the write's transaction (`requireLabelWritable`).
 */
export function labelActor(key: Pick<ApiKeyRecord, "id" | "role">): Required<LabelActor> {
  return { actor_key_id: key.id, may_change_protected: hasRole(key, "deployer") };
}
