// The UI route module: the known files with their types and security headers, revalidation by ETag,
// and nothing else (no other file, no path tricks), whichever way the URL is spelled.
import { readdir } from "node:fs/promises";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../gateway-context.ts";
import { CONTENT_SECURITY_POLICY, createUiRoutes, findStaticDir, UI_FILES } from "./ui-routes.ts";

function app(): Hono {
  const hono = new Hono();
  hono.get("/healthz", (c) => c.json({ ok: true }));
  createUiRoutes()(hono, {} as GatewayContext);
  return hono;
}

describe("ui routes", () => {
  it("lists exactly the files in static/", async () => {
    const files = await readdir(new URL("./static/", import.meta.url));
    expect([...UI_FILES].sort()).toEqual(files.sort());
  });

  it("serves index.html at / and the assets under /ui/ with their types and a strict CSP", async () => {
    const hono = app();
    const index = await hono.request("/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain('<script type="module" src="/ui/app.js">');
    for (const [path, type] of [
      ["/ui/app.js", "text/javascript; charset=utf-8"],
      ["/ui/styles.css", "text/css; charset=utf-8"],
      ["/ui/favicon.svg", "image/svg+xml"],
    ]) {
      const response = await hono.request(path!);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    }
    expect(CONTENT_SECURITY_POLICY).toContain(
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    );
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const hono = app();
    const first = await hono.request("/ui/markdown.js");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await hono.request("/ui/markdown.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
  });

  it("serves nothing else: unknown names, other files and traversal are 404", async () => {
    const hono = app();
    for (const path of [
      "/ui/",
      "/ui/ui-routes.ts",
      "/ui/../ui-routes.ts",
      "/ui/..%2Fui-routes.ts",
      "/ui/%2e%2e/%2e%2e/package.json",
      "/ui/app.js/",
      "/ui/APP.JS",
      "/index.html/../../package.json",
      "/static/index.html",
      "/app.js",
    ]) {
      expect((await hono.request(path)).status, path).toBe(404);
    }
    // Routes mounted before it still answer.
    expect((await hono.request("/healthz")).status).toBe(200);
  });

  it("finds the files beside the module (source) or in ui/ beside the bundle (dist)", () => {
    expect(findStaticDir().pathname).toMatch(/\/src\/gateway\/ui\/static\/$/);
    expect(findStaticDir(new URL("../../../dist/cli.js", import.meta.url)).pathname).toMatch(/\/dist\/ui\/$/);
    expect(() => findStaticDir(new URL("file:///nonexistent/cli.js"))).toThrow(/npm run build/);
  });
});
