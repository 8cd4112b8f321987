/** A loopback HTTP server for the transport tests: real sockets, no mocked fetch. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type LocalHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  context: { index: number; raw: IncomingMessage },
) => void | Promise<void>;

export interface LocalServer {
  /** `http://127.0.0.1:PORT`. */
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLocalServer(handler: LocalHandler): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, response) => {
    const parts: Buffer[] = [];
    raw.on("data", (part: Buffer) => parts.push(part));
    raw.on("end", () => {
      const request: RecordedRequest = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(parts).toString("utf8"),
      };
      const index = requests.push(request) - 1;
      Promise.resolve(handler(request, response, { index, raw })).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** Writes pieces as separate TCP writes, yielding to the event loop between them so they leave as separate packets. */
export async function writePieces(response: ServerResponse, pieces: readonly (string | Uint8Array)[]): Promise<void> {
  for (const piece of pieces) {
    response.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
