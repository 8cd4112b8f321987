import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../app-env.js";
import type { ApiKeyRecord, KeyRole } from "../storage/index.js";
import { toErrorResponse } from "./error-handler.js";
import { hasRole, labelActor, mountPermissions, requirePermission } from "./permissions.js";

/** A tiny app: a fake key of the given role, the permission middleware, two routes (one without a row). */
function appFor(role: KeyRole, ran: string[]) {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => toErrorResponse(error, c, () => undefined));
  app.get("/public", (c) => c.text("public"));
  const authenticated = new Hono<AppEnv>();
  authenticated.use("*", async (c, next) => {
    c.set("apiKey", { id: 1, workspace_id: 1, name: null, prefix: "pl_", role, admin: role === "admin", created_at: "", revoked_at: null } as ApiKeyRecord);
    c.set("workspaceId", 1);
    await next();
  });
  authenticated.use("*", requirePermission(mountPermissions("/api/v1", { "POST /things": "editor" }), new Set(["GET /public"])));
  const routes = new Hono<AppEnv>();
  routes.post("/things", (c) => (ran.push("things"), c.json({ ok: true })));
  routes.post("/forgotten", (c) => (ran.push("forgotten"), c.json({ ok: true })));
  authenticated.route("/api/v1", routes);
  app.route("/", authenticated);
  return app;
}

describe("requirePermission", () => {
  it("lets a role at or above the row through, and refuses one below with 403 forbidden naming the role needed", async () => {
    const ran: string[] = [];
    expect((await appFor("editor", ran).request("/api/v1/things", { method: "POST" })).status).toBe(200);
    const refused = await appFor("runner", ran).request("/api/v1/things", { method: "POST" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden", required_role: "editor", role: "runner" } });
    expect(ran).toEqual(["things"]);
  });

  it("refuses a route that has no row, whatever the role, without running it (fail closed)", async () => {
    const ran: string[] = [];
    const response = await appFor("admin", ran).request("/api/v1/forgotten", { method: "POST" });
    expect(response.status).toBe(500);
    expect(ran).toEqual([]);
  });

  it("steps aside for unknown paths and public routes", async () => {
    expect((await appFor("runner", []).request("/api/v1/nothing")).status).toBe(404);
    expect((await appFor("runner", []).request("/public")).status).toBe(200);
  });
});

describe("roles", () => {
  it("are ordered runner < editor < deployer < admin, and only deployer and admin may change protected labels", () => {
    const roles: KeyRole[] = ["runner", "editor", "deployer", "admin"];
    for (const [index, role] of roles.entries()) {
      expect(roles.map((needed) => hasRole({ role }, needed))).toEqual(roles.map((_, other) => other <= index));
      expect(labelActor({ id: 7, role })).toEqual({ actor_key_id: 7, may_change_protected: index >= 2 });
    }
  });

  it("mounts a module's rows under its prefix", () => {
    expect(mountPermissions("/api/v1/", { "GET /keys": "admin" })).toEqual({ "GET /api/v1/keys": "admin" });
    expect(mountPermissions("/", { "POST /track-request": "runner" })).toEqual({ "POST /track-request": "runner" });
  });
});
