// Serves the web UI: `GET /` is index.html, `GET /ui/<file>` its modules and styles, from a fixed list
// of files with a strict CSP. No token is needed here: everything the UI shows comes over the WebSocket.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Context } from "hono";
import type { RouteModule } from "../app.ts";

const TYPES = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
} as const;

/** Every file the UI has; nothing else under the folder is ever served (no paths, no traversal). */
export const UI_FILES = [
  "index.html",
  "styles.css",
  "favicon.svg",
  "app.js",
  "connection.js",
  "dom.js",
  "markdown.js",
  "chat-view.js",
  "approval-card.js",
  "sessions-view.js",
  "channels-view.js",
  "groups-panel.js",
  "cron-view.js",
  "cron-shared.js",
  "cron-form.js",
  "heartbeat-panel.js",
  "config-view.js",
  "settings-form.js",
  "setup-card.js",
  "logs-view.js",
  "usage-view.js",
  "usage-chart.js",
] as const;

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * Where the files are: `static/` beside this module when running from source, `ui/` beside the
 * bundle when running from dist/ (scripts/build.mjs copies the folder there).
 */
export function findStaticDir(base: string | URL = import.meta.url): URL {
  const candidates = [new URL("./static/", base), new URL("./ui/", base)];
  const found = candidates.find((dir) => existsSync(new URL("index.html", dir)));
  if (!found) {
    throw new Error(
      `The web UI files are missing (looked in ${candidates.map((c) => c.pathname).join(" and ")}). Rebuild with \`npm run build\`.`,
    );
  }
  return found;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

/** The UI route module. `staticDir` is for tests; by default the folder is found as above. */
export function createUiRoutes(options: { staticDir?: URL } = {}): RouteModule {
  // Read once on first use and kept: the files are small and only change with a new release.
  const cache = new Map<string, Promise<Asset>>();
  let dir: URL | undefined = options.staticDir;
  const load = (name: string): Promise<Asset> => {
    let asset = cache.get(name);
    if (!asset) {
      dir ??= findStaticDir();
      asset = readFile(new URL(name, dir)).then((bytes) => ({
        body: new Uint8Array(bytes),
        type: TYPES[name.slice(name.lastIndexOf(".") + 1) as keyof typeof TYPES],
        etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"`,
      }));
      asset.catch(() => cache.delete(name));
      cache.set(name, asset);
    }
    return asset;
  };

  const serve = async (c: Context, name: string) => {
    const asset = await load(name);
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      // Revalidate every time (cheap with the ETag): file names carry no hash, so a new release must not
      // meet stale modules in the browser cache.
      "Cache-Control": "no-cache",
      ETag: asset.etag,
    };
    const match = c.req.header("if-none-match");
    if (match?.split(",").some((tag) => tag.trim() === asset.etag)) {
      return c.body(null, 304, headers);
    }
    return c.body(asset.body, 200, { ...headers, "Content-Type": asset.type });
  };

  return (app) => {
    app.get("/", (c) => serve(c, "index.html"));
    for (const name of UI_FILES) app.get(`/ui/${name}`, (c) => serve(c, name));
  };
}

/** The UI, served from the files next to this module (source) or the bundle (dist/ui). */
export const uiRoutes: RouteModule = createUiRoutes();
