// Bundles the CLI into dist/ with esbuild: one file to load keeps start-up fast, and code
// splitting keeps adapters that a run does not use (the AWS SDK, other providers) out of it.
// The web UI's static files are copied as they are to dist/ui, where the bundle looks for them.
import { cpSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
  // CommonJS dependencies inside an ESM bundle need require().
  banner: {
    js: "import { createRequire as __acRequire } from 'node:module'; const require = __acRequire(import.meta.url);",
  },
});
cpSync(new URL("../src/gateway/ui/static", import.meta.url), new URL("../dist/ui", import.meta.url), {
  recursive: true,
});
