// Bundles the CLI into dist/ with esbuild: one file to load keeps start-up fast, and code
// splitting keeps adapters that a run does not use (the AWS SDK, other providers) out of it.
// The web UI's static files are copied as they are to dist/ui, where the bundle looks for them.
import { cpSync, renameSync, rmSync } from "node:fs";
import { build } from "esbuild";

/**
 * `import ... from "node:http"` in an ES module makes Node build the module's ESM facade, which reads
 * every export, including the lazy WebSocket/CloseEvent/MessageEvent getters that load undici: 12 MB
 * of resident memory and ~50 ms of start-up for nothing. The bundle takes node:http through
 * process.getBuiltinModule instead, exporting everything but those getters.
 */
const LAZY_HTTP_EXPORTS = new Set(["WebSocket", "CloseEvent", "MessageEvent"]);
const httpWithoutUndici = {
  name: "http-without-undici",
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === "import-statement" ? { path: "node:http", namespace: "http-without-undici" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "http-without-undici" }, () => {
      const names = Object.keys(process.getBuiltinModule("node:http")).filter(
        (n) => !LAZY_HTTP_EXPORTS.has(n),
      );
      return {
        contents: `const http = process.getBuiltinModule("node:http");\nexport default http;\nexport const { ${names.join(", ")} } = http;\n`,
        loader: "js",
      };
    });
  },
};

/**
 * zod's entry re-exports every locale (370 KB, a third of the bundle the CLI loads on each run);
 * its messages are English unless one is switched on, which this project never does.
 */
const ZOD_LOCALES = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: ZOD_LOCALES }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path.replace(/index\.js$/, "en.js"))};\n`,
      loader: "js",
    }));
  },
};

// Built beside dist/ and swapped in whole, so a CLI or a test run started meanwhile (npm test runs
// beside other builds) finds either the old build or the new one, never a half-written or empty dist/.
const dist = new URL("../dist", import.meta.url);
const next = new URL(`../dist.next-${process.pid}`, import.meta.url);
const old = new URL(`../dist.old-${process.pid}`, import.meta.url);
rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: next.pathname,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
  plugins: [httpWithoutUndici, zodEnglishOnly],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: {
    js: "import { createRequire as __acRequire } from 'node:module'; const require = __acRequire(import.meta.url);",
  },
});
cpSync(new URL("../src/gateway/ui/static", import.meta.url), new URL("ui", `${next.href}/`), {
  recursive: true,
});
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== "ENOENT") throw error;
}
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
