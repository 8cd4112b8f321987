import { InvalidRequestError } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./create-storage.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["sqlite:./promptline.db", { kind: "sqlite", filename: "./promptline.db" }],
    ["sqlite:///var/lib/promptline.db", { kind: "sqlite", filename: "/var/lib/promptline.db" }],
    ["sqlite://./relative.db", { kind: "sqlite", filename: "./relative.db" }],
    ["sqlite::memory:", { kind: "sqlite", filename: ":memory:" }],
    ["SQLITE:data.db", { kind: "sqlite", filename: "data.db" }],
    [":memory:", { kind: "sqlite", filename: ":memory:" }],
    ["./data/promptline.db", { kind: "sqlite", filename: "./data/promptline.db" }],
    ["/abs/path with space.db", { kind: "sqlite", filename: "/abs/path with space.db" }],
    ["postgres://u:p@db:5432/app", { kind: "postgres", connectionString: "postgres://u:p@db:5432/app" }],
    ["postgresql://db/app?sslmode=require", { kind: "postgres", connectionString: "postgresql://db/app?sslmode=require" }],
  ])("reads %s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each(["", "   ", "sqlite:", "mysql://db/app", "http://example.com/db"])("rejects %j", (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(InvalidRequestError);
  });
});
