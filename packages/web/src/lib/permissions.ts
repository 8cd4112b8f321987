import { createContext, useContext } from "react";
import type { KeyRole, Session } from "./api.js";

/**
 * What the signed-in key's role allows (DESIGN.md, "Roles"), so pages hide or
 * disable what the server would refuse anyway. The server stays the judge:
 * this only spares people buttons that can't work.
 */

/** Least to most powerful: each role may do what the ones before it may. */
export const keyRoles: readonly KeyRole[] = ["runner", "editor", "deployer", "admin"];

/** What each role adds, as the admin page explains it. */
export const roleDescriptions: Record<KeyRole, string> = {
  runner: "reads and runs prompts, writes logs — for applications",
  editor: "also publishes versions and moves labels that are not protected",
  deployer: "also moves and publishes onto protected labels (prod)",
  admin: "also manages API keys and label protection",
};

/** The session's role; a server from before roles sends only `admin` (other keys were deployers). */
export function roleOf(session: Session): KeyRole {
  return session.key.role ?? (session.key.admin ? "admin" : "deployer");
}

export const atLeast = (role: KeyRole, needed: KeyRole): boolean => keyRoles.indexOf(role) >= keyRoles.indexOf(needed);

/** The powers the dashboard shows controls for. */
export interface Permissions {
  role: KeyRole;
  /** Publish versions, create prompts. */
  publish: boolean;
  /** Move, create or delete labels that are not protected. */
  moveLabels: boolean;
  /** Also protected ones. */
  moveProtectedLabels: boolean;
  /** Keys and label protection. */
  admin: boolean;
}

export function permissionsOf(role: KeyRole): Permissions {
  return {
    role,
    publish: atLeast(role, "editor"),
    moveLabels: atLeast(role, "editor"),
    moveProtectedLabels: atLeast(role, "deployer"),
    admin: role === "admin",
  };
}

/** Least privilege until the session says otherwise. */
export const PermissionsContext = createContext<Permissions>(permissionsOf("runner"));

export const usePermissions = (): Permissions => useContext(PermissionsContext);
