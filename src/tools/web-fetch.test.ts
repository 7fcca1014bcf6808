// web_fetch against real HTTP servers on 127.0.0.x: conversion, caps, and the SSRF guard on
// literal hosts, resolved addresses and every redirect hop. 127.0.0.2 plays "the public internet"
// through the injected address policy; 127.0.0.1 plays the private service that must stay unreached.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { LookupFunction } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFakeClock } from "../util/fake-clock.ts";
import { toolContext } from "./testing/tool-context.ts";
import { createWebFetchTool, type WebFetchToolOptions } from "./web-fetch.ts";

interface TestServer {
  server: Server;
  port: number;
  connections: number;
  paths: string[];
}

async function listen(
  host: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<TestServer> {
  const state: TestServer = { server: createServer(), port: 0, connections: 0, paths: [] };
  state.server.on("connection", () => state.connections++);
  state.server.on("request", (req, res) => {
    state.paths.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    state.server.once("error", reject);
    state.server.listen(port, host, resolve);
  });
  state.port = (state.server.address() as { port: number }).port;
  return state;
}

const close = (s: TestServer) => {
  s.server.closeAllConnections();
  return new Promise((resolve) => s.server.close(resolve));
};

const ARTICLE = `<!doctype html><html><head><title>Release notes</title><script>track()</script></head>
<body><nav><a href="/">Home</a></nav><h1>Version 2.0</h1>
<p>Faster <a href="/changelog">builds</a>.</p><ul><li>New CLI</li><li>Fewer bugs</li></ul>
<footer>© Example</footer></body></html>`;

let pub: TestServer; // 127.0.0.2: "public"
let priv: TestServer; // 127.0.0.1 on the same port: must never be reached
let pubUrl: string;

beforeAll(async () => {
  for (let attempt = 0; ; attempt++) {
    pub = await listen("127.0.0.2", route);
    try {
      priv = await listen("127.0.0.1", (_req, res) => res.end("private data"), pub.port);
      break;
    } catch (error) {
      await close(pub);
      if (attempt === 5) throw error;
    }
  }
  pubUrl = `http://127.0.0.2:${pub.port}`;
});
afterAll(async () => {
  await close(pub);
  await close(priv);
});

function route(req: IncomingMessage, res: ServerResponse) {
  const send = (type: string, body: string | Buffer, status = 200) => {
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const redirect = (location: string) => {
    res.writeHead(302, { location });
    res.end();
  };
  const path = req.url ?? "/";
  if (path === "/article") return send("text/html; charset=utf-8", ARTICLE);
  if (path === "/data.json") return send("application/json", '{"name":"claw","tags":["a","b"],"n":1}');
  if (path === "/notes.txt") return send("text/plain", "  plain\ttext  \n kept as is\n");
  if (path === "/logo.png") return send("image/png", Buffer.alloc(50_000, 1));
  if (path === "/big.txt") return send("text/plain", "0123456789".repeat(100_000));
  if (path === "/gzip") {
    res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
    return res.end(gzipSync("unzipped ✓"));
  }
  if (path === "/missing") return send("text/html", "<h1>Not here</h1><p>Try the index.</p>", 404);
  if (path === "/r1") return redirect("/r2");
  if (path === "/r2") return redirect(`${pubUrl}/article`);
  if (path === "/loop") return redirect("/loop");
  if (path === "/to-loopback") return redirect(`http://127.0.0.1:${pub.port}/secret`);
  if (path === "/to-metadata") return redirect("http://169.254.169.254/latest/meta-data/");
  if (path === "/to-name") return redirect(`http://sneaky.test:${pub.port}/secret`);
  if (path === "/to-file") return redirect("file:///etc/passwd");
  if (path === "/hang") return; // never answers
  send("text/plain", "ok");
}

/** Resolves *.test names as a test DNS would; records every name asked. */
function fakeDns(table: Record<string, string[] | (() => string[])>, asked: string[] = []): LookupFunction {
  return (hostname, _options, callback) => {
    asked.push(hostname);
    const entry = table[hostname];
    const addresses = typeof entry === "function" ? entry() : entry;
    if (!addresses)
      return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", 0);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  };
}

const testPolicy = (address: string) => address === "127.0.0.2";
const tool = (options: WebFetchToolOptions = {}) =>
  createWebFetchTool({ isAllowedAddress: testPolicy, ...options });

describe("web_fetch", () => {
  it("turns an HTML page into text with its URL and title on top", async () => {
    const result = await tool().run({ url: `${pubUrl}/article` }, toolContext());
    expect(result).toEqual({
      text: [
        `URL: ${pubUrl}/article`,
        "Title: Release notes",
        "Content-Type: text/html",
        "",
        "# Version 2.0",
        "",
        `Faster builds (${pubUrl}/changelog).`,
        "",
        "- New CLI",
        "- Fewer bugs",
      ].join("\n"),
    });
  });

  it("pretty-prints JSON, returns text as is, and decodes gzip", async () => {
    const json = await tool().run({ url: `${pubUrl}/data.json` }, toolContext());
    expect(json.text).toContain(
      '\n\n{\n  "name": "claw",\n  "tags": [\n    "a",\n    "b"\n  ],\n  "n": 1\n}',
    );
    const text = await tool().run({ url: `${pubUrl}/notes.txt` }, toolContext());
    expect(text.text.endsWith("\n\n  plain\ttext  \n kept as is\n")).toBe(true);
    expect((await tool().run({ url: `${pubUrl}/gzip` }, toolContext())).text).toMatch(/\n\nunzipped ✓$/);
  });

  it("refuses other content types, naming the type", async () => {
    const result = await tool().run({ url: `${pubUrl}/logo.png` }, toolContext());
    expect(result).toEqual({
      isError: true,
      text: `${pubUrl}/logo.png is image/png (48.8 KB), which web_fetch cannot show as text. It reads HTML pages, JSON and text only.`,
    });
  });

  it("stops downloading at the size cap and pages the text with offset", async () => {
    const small = tool({ maxBytes: 10_000, maxChars: 4000 });
    const first = await small.run({ url: `${pubUrl}/big.txt` }, toolContext());
    expect(first.text).toContain(
      "[Only the first 9.8 KB of the response were downloaded; the rest is missing.]",
    );
    expect(first.text).toContain(
      "[Showing characters 0-4000 of 10000. Call web_fetch with the same url and offset=4000 to read on.]",
    );
    const last = await small.run({ url: `${pubUrl}/big.txt`, offset: 8000 }, toolContext());
    expect(last.text).toContain("[Showing characters 8000-10000 of 10000. This is the end.]");
  });

  it("follows redirects on allowed hosts and says where it ended", async () => {
    const result = await tool().run({ url: `${pubUrl}/r1` }, toolContext());
    expect(result.text.split("\n")[0]).toBe(`URL: ${pubUrl}/article (redirected from ${pubUrl}/r1)`);
    const loop = await tool().run({ url: `${pubUrl}/loop` }, toolContext());
    expect(loop).toMatchObject({ isError: true, text: expect.stringContaining("Stopped after 5 redirects") });
  });

  it("reports HTTP errors with the status and the page's text", async () => {
    const result = await tool().run({ url: `${pubUrl}/missing` }, toolContext());
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^HTTP 404 Not Found\nURL: .*\/missing\n[\s\S]*# Not here\n\nTry the index\.$/,
    );
  });

  describe("SSRF guard", () => {
    it("refuses a redirect to a private address; the private server gets nothing", async () => {
      const before = priv.connections;
      const loopback = await tool().run({ url: `${pubUrl}/to-loopback` }, toolContext());
      expect(loopback.isError).toBe(true);
      expect(loopback.text).toContain(
        `Refused to fetch http://127.0.0.1:${pub.port}/secret (reached through a redirect)`,
      );
      expect(loopback.text).toContain("loopback");
      const metadata = await tool().run({ url: `${pubUrl}/to-metadata` }, toolContext());
      expect(metadata.text).toContain("169.254.169.254 is a link-local");
      const file = await tool().run({ url: `${pubUrl}/to-file` }, toolContext());
      expect(file.text).toContain("only http and https URLs can be fetched, not file:");
      expect(priv.connections).toBe(before);
    });

    it("checks the resolved addresses of every hop, so a name pointing inside is refused", async () => {
      const before = priv.connections;
      const dns = fakeDns({ "www.example.test": ["127.0.0.2"], "sneaky.test": ["127.0.0.1"] });
      const result = await tool({ lookup: dns }).run(
        { url: `http://www.example.test:${pub.port}/to-name` },
        toolContext(),
      );
      expect(result.isError).toBe(true);
      expect(result.text).toContain("Refused to connect to sneaky.test: it resolves to 127.0.0.1");
      expect(priv.connections).toBe(before);
    });

    it("refuses a name when any of its addresses is refused, and defeats DNS rebinding", async () => {
      const before = priv.connections;
      const mixed = fakeDns({ "mixed.test": ["127.0.0.2", "127.0.0.1"] });
      const result = await tool({ lookup: mixed }).run(
        { url: `http://mixed.test:${pub.port}/article` },
        toolContext(),
      );
      expect(result.text).toContain("it resolves to 127.0.0.1");

      // First answer public, then private: each connection is checked on its own lookup.
      let calls = 0;
      const rebinding = fakeDns({ "rebind.test": () => (calls++ === 0 ? ["127.0.0.2"] : ["127.0.0.1"]) });
      const web = tool({ lookup: rebinding });
      expect(
        (await web.run({ url: `http://rebind.test:${pub.port}/article` }, toolContext())).isError,
      ).toBeUndefined();
      const second = await web.run({ url: `http://rebind.test:${pub.port}/article` }, toolContext());
      expect(second.text).toContain("Refused to connect to rebind.test: it resolves to 127.0.0.1");
      expect(priv.connections).toBe(before);
    });

    it("with the default policy, refuses loopback and localhost before any connection or lookup", async () => {
      const asked: string[] = [];
      const web = createWebFetchTool({ lookup: fakeDns({}, asked) });
      const before = priv.connections;
      for (const url of [
        `http://127.0.0.1:${pub.port}/`,
        `http://[::ffff:127.0.0.1]:${pub.port}/`,
        `http://localhost:${pub.port}/`,
        `http://app.localhost:${pub.port}/`,
        `http://user:pw@example.com/`,
      ]) {
        const result = await web.run({ url }, toolContext());
        expect(result.isError, url).toBe(true);
        expect(result.text, url).toMatch(/^Refused to fetch .*web_fetch only reaches public web sites\.$/);
      }
      expect(asked).toEqual([]);
      expect(priv.connections).toBe(before);
      // And the test's "public" server is private under the default policy.
      expect((await web.run({ url: `${pubUrl}/article` }, toolContext())).text).toContain("loopback");
    });

    it("refuses names that resolve to private addresses under the default policy", async () => {
      const web = createWebFetchTool({
        lookup: fakeDns({ "intranet.test": ["10.0.0.7"], "v6.test": ["fd00::1"] }),
      });
      expect((await web.run({ url: "http://intranet.test/" }, toolContext())).text).toContain(
        "it resolves to 10.0.0.7, a private (10/8) address",
      );
      expect((await web.run({ url: "http://v6.test/" }, toolContext())).text).toContain("unique local");
    });
  });

  it("times out on the context's clock, and can be cancelled", async () => {
    const clock = createFakeClock();
    const web = tool({ timeoutMs: 5000 });
    const hangs = () => pub.paths.filter((p) => p === "/hang").length;
    const seen = hangs();
    const pending = web.run({ url: `${pubUrl}/hang` }, toolContext({ clock }));
    await vi.waitFor(() => expect(hangs()).toBe(seen + 1), { timeout: 5000 });
    await clock.advance(5000);
    expect(await pending).toEqual({
      isError: true,
      text: `Fetching ${pubUrl}/hang timed out after 5 s. The site may be slow or down; try again later or another source.`,
    });

    const controller = new AbortController();
    const cancelled = web.run({ url: `${pubUrl}/hang` }, toolContext({ clock, signal: controller.signal }));
    await vi.waitFor(() => expect(hangs()).toBe(seen + 2), { timeout: 5000 });
    controller.abort();
    expect((await cancelled).text).toBe(`Fetching ${pubUrl}/hang was cancelled with the turn.`);
  });

  it("explains invalid URLs and unreachable servers", async () => {
    expect((await tool().run({ url: "not a url" }, toolContext())).text).toContain("is not a valid URL");
    const down = await listen("127.0.0.2", () => {});
    await close(down);
    const result = await tool().run({ url: `http://127.0.0.2:${down.port}/` }, toolContext());
    expect(result.text).toContain("ECONNREFUSED");
  });
});
