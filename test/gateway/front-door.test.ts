// Who may talk to a gateway that trusts loopback: a browser page on another site (a form post, DNS
// rebinding) may not, non-browser clients and the gateway's own page may, and the keys that widen
// access change only with the token.
import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type ControlWorld, chatEvent, openClient, startControlWorld, TOKEN } from "./control-harness.ts";

let world: ControlWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function trusting(gateway: Record<string, unknown> = {}): Promise<ControlWorld> {
  world = await startControlWorld({ config: { gateway: { trustLoopback: true, ...gateway } } });
  return world;
}

/** An HTTP request with exactly these headers (fetch would not let a test set Host). */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const chat = JSON.stringify({ model: "agent-claw", messages: [{ role: "user", content: "run rm -rf ~" }] });
const hook = JSON.stringify({ message: "run rm -rf ~" });

describe("a gateway with gateway.trustLoopback", () => {
  it("refuses a cross-site form-style POST to the API and the hooks, and runs nothing", async () => {
    const w = await trusting();
    const evil = { origin: "https://evil.example", "content-type": "text/plain" };
    for (const [path, body] of [
      ["/v1/chat/completions", chat],
      ["/hooks/agent", hook],
    ] as const) {
      const res = await raw(`${w.gateway.url}${path}`, { method: "POST", headers: evil, body });
      expect(res.status).toBe(403);
      expect(res.body).toContain(
        "Requests from the web page at https://evil.example are refused: another site may not use this gateway.",
      );
    }
    expect(w.fake.requests).toHaveLength(0);
  });

  it("refuses a page with an opaque origin (a sandboxed frame) without advising to list it", async () => {
    const w = await trusting();
    const headers = { origin: "null", "content-type": "application/json" };
    const res = await raw(`${w.gateway.url}/hooks/agent`, { method: "POST", headers, body: hook });
    expect(res.status).toBe(403);
    const { message } = JSON.parse(res.body).error as { message: string };
    expect(message).toContain("a page with no origin of its own");
    expect(message).not.toContain("gateway.allowedOrigins");
    await expect(openClient(w.wsUrl, { origin: "null" })).rejects.toThrow("upgrade refused: 403");
    expect(w.fake.requests).toHaveLength(0);
  });

  it("refuses a body not declared JSON (415), and still serves clients that send no Origin", async () => {
    const w = await trusting();
    w.fake.script([{ text: "Hello from curl." }]);
    const plain = await raw(`${w.gateway.url}/hooks/agent`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: hook,
    });
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error.message).toContain("Content-Type: application/json");
    const api = await raw(`${w.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "agent-claw", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body).choices[0].message.content).toBe("Hello from curl.");
    expect(w.fake.requests).toHaveLength(1);
  });

  it("does not trust a cross-site request that carries no Origin (a link or an image)", async () => {
    const w = await trusting();
    const res = await raw(`${w.gateway.url}/v1/models`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(401);
    const token = await raw(`${w.gateway.url}/v1/models`, {
      headers: { "sec-fetch-site": "cross-site", authorization: `Bearer ${TOKEN}` },
    });
    expect(token.status).toBe(200);
  });

  it("refuses DNS rebinding: a Host it does not serve, on HTTP and at the WebSocket upgrade", async () => {
    const w = await trusting();
    const host = `attacker.example:${w.gateway.port}`;
    const res = await raw(`${w.gateway.url}/v1/models`, { headers: { host } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toContain("add that name to gateway.allowedHosts");
    await expect(openClient(w.wsUrl, { headers: { host }, origin: `http://${host}` })).rejects.toThrow(
      "upgrade refused: 403",
    );
    const admin = await w.client();
    const config = await admin.request("config.get");
    expect(config).toMatchObject({ payload: { config: { tools: { exec: { allowlist: [] } } } } });
  });

  it("lets the gateway's own page in without the token, but not change access keys", async () => {
    const w = await trusting();
    const page = await openClient(w.wsUrl, { origin: w.gateway.url });
    w.clients.push(page);
    expect(await page.request("connect", {})).toMatchObject({ ok: true });
    expect(await page.request("config.patch", { patch: { "agent.maxSteps": 7 } })).toMatchObject({
      ok: true,
    });
    for (const patch of [
      { "tools.exec.allowlist": ["*"] },
      { "gateway.trustLoopback": true },
      { tools: { exec: { allowlist: ["*"] } } },
      { "channels.telegram.allowFrom": ["666"] },
    ]) {
      const res = await page.request("config.patch", { patch });
      expect(res).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      expect(res.ok || res.error.message).toContain("needs the gateway token");
    }
    const admin = await w.client();
    expect(
      await admin.request("config.patch", { patch: { "tools.exec.allowlist": ["git status"] } }),
    ).toMatchObject({
      ok: true,
      payload: { config: { tools: { exec: { allowlist: ["git status"] } } } },
    });
  });

  it("lets the gateway's own page answer an approval once, but not always (it writes tools.exec.allowlist)", async () => {
    const w = await trusting();
    w.fake.script([{ toolCalls: [{ name: "exec", input: { command: "echo hi" } }] }, { text: "done" }]);
    const page = await openClient(w.wsUrl, { origin: w.gateway.url });
    w.clients.push(page);
    expect(await page.request("connect", {})).toMatchObject({ ok: true });
    await page.request("chat.send", { text: "run it", idempotencyKey: "a1" });
    const card = (await page.next(chatEvent("approval", "ws:a1"))).payload as { id: string };
    const always = await page.request("approval.resolve", { id: card.id, decision: "always" });
    expect(always).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(always.ok || always.error.message).toContain("needs the gateway token");
    const once = await page.request("approval.resolve", { id: card.id, decision: "once" });
    expect(once).toMatchObject({ ok: true, payload: { outcome: "once" } });
    await page.next(chatEvent("final", "ws:a1"));
    expect(w.gateway.ctx.config().tools.exec.allowlist).toEqual([]);
  });

  it("lets a page on a listed origin connect, with the token only", async () => {
    const w = await trusting({ allowedOrigins: ["https://ui.example"] });
    const page = await openClient(w.wsUrl, { origin: "https://ui.example" });
    w.clients.push(page);
    expect(await page.request("connect", {})).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    const again = await openClient(w.wsUrl, { origin: "https://ui.example" });
    w.clients.push(again);
    expect(await again.connect()).toMatchObject({ ok: true });
  });
});

describe("gateway.allowedHosts", () => {
  it("adds a reverse proxy's names (exact, or a domain with its subdomains) and refuses a malformed one", async () => {
    const w = await trusting();
    const health = (host: string) => raw(`${w.gateway.url}/healthz`, { headers: { host } });
    expect((await health("claw.example.com")).status).toBe(403);
    const admin = await w.client();
    const patch = { "gateway.allowedHosts": ["claw.example.com", ".home.arpa"] };
    expect(await admin.request("config.patch", { patch })).toMatchObject({ ok: true });
    expect((await health("claw.example.com")).status).toBe(200);
    expect((await health("CLAW.example.com:443")).status).toBe(200);
    expect((await health("nas.home.arpa")).status).toBe(200);
    expect((await health("claw.example.com.evil.example")).status).toBe(403);
    expect((await health("localhost:1")).status).toBe(200);
    const bad = await admin.request("config.patch", {
      patch: { "gateway.allowedHosts": ["https://x.example"] },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(bad.ok || bad.error.message).toMatch(/gateway\.allowedHosts\[0\].*a host name like/);
  });
});
