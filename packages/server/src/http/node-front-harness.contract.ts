/**
 * Raw HTTP for the tests of the node:http fronts (decisions 0031, 0032): a
 * listener on a free port, and one request whose answer keeps its headers as
 * sent on the wire, so a front's answer can be compared byte for byte with
 * the Hono app's.
 */
import { createServer, request, type Agent, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NodeListener } from "./node-front.js";

export interface Answer {
  status: number;
  headers: string[];
  body: string;
  reusedSocket: boolean;
}

export function listen(listener: NodeListener): Promise<Server> {
  const server = createServer(listener);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** One raw HTTP/1.1 request; headers as sent on the wire, in order (the Date header's value blanked). */
export function send(server: Server, path: string, options: { body?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Answer> {
  const body = options.body ?? "";
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: "127.0.0.1",
        port: portOf(server),
        path,
        method: "POST",
        agent: options.agent ?? false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...options.headers },
      },
      (incoming: IncomingMessage) => {
        let text = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => (text += chunk));
        incoming.on("end", () => {
          const headers = incoming.rawHeaders.map((value, index) => (index % 2 === 1 && incoming.rawHeaders[index - 1] === "Date" ? "<date>" : value));
          resolve({ status: incoming.statusCode ?? 0, headers, body: text, reusedSocket: outgoing.reusedSocket });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
