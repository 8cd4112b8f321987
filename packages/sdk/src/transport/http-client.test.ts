import { afterEach, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./__fixtures__/local-server.js";
import { fetchHttpClient, headerLookup, RequestAbort, requestAbortKey, undiciHttpClient, type HttpClient } from "./http-client.js";

let server: LocalServer | undefined;
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close?.()));
  await server?.close();
  server = undefined;
});

function undici(): HttpClient {
  const client = undiciHttpClient();
  clients.push(client);
  return client;
}

const post = (client: HttpClient, url: string, extra: { http2?: boolean; signal?: AbortSignal } = {}) =>
  client.post({ url, headers: { "content-type": "application/json", "x-test": "1" }, body: '{"a":1}', signal: extra.signal ?? new AbortController().signal, ...extra });

describe("undiciHttpClient", () => {
  it("sends the POST as given and keeps the connection alive between requests to one origin", async () => {
    const ports: (number | undefined)[] = [];
    server = await startLocalServer((request, response, { raw }) => {
      ports.push(raw.socket.remotePort);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ echo: request.body, path: request.url }));
    });
    const client = undici();
    const first = await post(client, `${server.baseURL}/v1/chat/completions?alt=sse`);
    expect(JSON.parse(await first.text())).toEqual({ echo: '{"a":1}', path: "/v1/chat/completions?alt=sse" });
    for (let index = 0; index < 5; index++) await (await post(client, `${server.baseURL}/v1/other`)).text();
    expect(server.requests.map((request) => [request.method, request.headers["x-test"], request.headers["content-type"]])).toEqual(
      Array.from({ length: 6 }, () => ["POST", "1", "application/json"]),
    );
    // Six requests in a row over at most two sockets (undici may open a second while the first is being released).
    expect(ports).toHaveLength(6);
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });

  it("gives the status line and lower-case headers as fetch would, repeated headers joined", async () => {
    server = await startLocalServer((_request, response) => {
      response.setHeader("X-Request-Id", "req_1");
      response.setHeader("X-Multi", ["a=1", "b=2"]);
      response.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      response.end("{}");
    });
    const viaUndici = await post(undici(), `${server.baseURL}/v1`);
    const viaFetch = await post(fetchHttpClient(), `${server.baseURL}/v1`);
    for (const response of [viaUndici, viaFetch]) {
      expect(response.status).toBe(429);
      expect(response.statusText).toBe("Too Many Requests");
      expect(response.headers).toMatchObject({ "x-request-id": "req_1", "x-multi": "a=1, b=2", "retry-after": "3" });
      expect(headerLookup(response.headers).get("Retry-After")).toBe("3");
      expect(await response.text()).toBe("{}");
    }
  });

  it("streams the body as it arrives, also when offering HTTP/2 to an HTTP/1.1 server", async () => {
    let sendRest: () => void = () => {};
    server = await startLocalServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: 1\n\n");
      sendRest = () => response.end("data: 2\n\n");
    });
    const response = await post(undici(), `${server.baseURL}/stream`, { http2: true });
    const iterator = response.body![Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe("data: 1\n\n");
    sendRest();
    let rest = "";
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += Buffer.from(next.value).toString();
    expect(rest).toBe("data: 2\n\n");
  });

  it("rejects when the signal aborts before the answer", async () => {
    server = await startLocalServer(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const sent = post(undici(), `${server.baseURL}/hang`, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(sent).rejects.toBeDefined();
  });

  it("hears the transport's RequestAbort, with no AbortSignal made", async () => {
    server = await startLocalServer(() => {
      // Never answers.
    });
    const abort = new RequestAbort();
    let signalRead = false;
    const request = {
      url: `${server.baseURL}/hang`,
      headers: {},
      body: "{}",
      get signal(): AbortSignal {
        signalRead = true;
        return abort.signal;
      },
      [requestAbortKey]: abort,
    };
    const sent = undici().post(request);
    const stop = new Error("stop");
    abort.abort(stop);
    await expect(sent).rejects.toBe(stop);
    expect(signalRead).toBe(false);
  });

  it("rejects a connection refused with the network's error", async () => {
    server = await startLocalServer(() => {});
    const url = `${server.baseURL}/v1`;
    await server.close();
    server = undefined;
    await expect(post(undici(), url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("RequestAbort", () => {
  it("aborts like an AbortController: the first reason wins, none is an AbortError, the signal follows whenever it is read", () => {
    const early = new RequestAbort();
    const heard: unknown[] = [];
    early.once("abort", () => heard.push(early.reason));
    const signal = early.signal;
    early.abort();
    early.abort(new Error("second"));
    expect(heard).toHaveLength(1);
    expect(early.reason).toBeInstanceOf(DOMException);
    expect((early.reason as DOMException).name).toBe("AbortError");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(early.reason);

    const late = new RequestAbort();
    const reason = new Error("stop");
    late.abort(reason);
    expect(late.aborted).toBe(true);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(reason);
  });
});
