import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** `up` forwards to the registry, `down` cuts each connection, `hung` accepts and never answers. */
export type RegistryMode = "up" | "down" | "hung";

export interface RegistrySwitch {
  /** Point the SDK here. */
  readonly url: string;
  mode: RegistryMode;
  /** `METHOD /path?query` of every request that reached the switch, in order. */
  readonly seen: string[];
  /** Log records forwarded to `/api/v1/requests:batch` (counted from the bodies sent while up). */
  readonly recordsForwarded: string[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a real registry that a test switches
 * down, hung or up, and that counts what the SDK asked for.
 */
export async function startRegistrySwitch(target: string): Promise<RegistrySwitch> {
  const held = new Set<Socket>();
  const state: RegistrySwitch = {
    url: "",
    mode: "up",
    seen: [],
    recordsForwarded: [],
    close: async () => {
      for (const socket of held) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createHttpServer((req, res) => {
    state.seen.push(`${req.method} ${req.url}`);
    if (state.mode === "down") {
      req.socket.destroy();
      return;
    }
    if (state.mode === "hung") {
      held.add(req.socket);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith("/api/v1/requests:batch")) {
        const { records } = JSON.parse(body.toString("utf8")) as { records: { request_id: string }[] };
        state.recordsForwarded.push(...records.map((record) => record.request_id));
      }
      const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  (state as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A TCP server that accepts connections and never answers: the hung registry. */
export async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
