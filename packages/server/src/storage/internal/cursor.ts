import { InvalidRequestError } from "@promptline/core";

/** A position in the request log: the last row of a page, in (created_at, id) order. */
export interface LogPosition {
  created_at: string;
  id: number;
}

/** Opaque to clients: base64url of `[created_at, id]`. */
export function encodeCursor(position: LogPosition): string {
  return Buffer.from(JSON.stringify([position.created_at, position.id]), "utf8").toString("base64url");
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function decodeCursor(cursor: string): LogPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [createdAt, id] = decoded as [unknown, unknown];
      // Only a timestamp as the storage writes them: anything else (a NUL, which PostgreSQL refuses) is not a cursor of ours.
      if (typeof createdAt === "string" && isoTimestamp.test(createdAt) && typeof id === "number" && Number.isSafeInteger(id)) {
        return { created_at: createdAt, id };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidRequestError("Invalid cursor: pass the next_cursor of a previous page unchanged.", ["cursor"]);
}
