// Bundles the CLI into dist/ with esbuild: one file to load keeps start-up fast, and code
// splitting keeps adapters that a run does not use (the AWS SDK, other providers) out of it. The
// Lambda handlers go to dist/lambda/<name>.mjs, one self-contained file each.
// The web UI's static files are copied as they are to dist/ui, where the bundle looks for them.
import { cpSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * grammY requires node-fetch, which brings whatwg-url and tr46's Unicode tables (300 KB minified), yet
 * every Bot API call here goes through Node's own fetch (channels/telegram/bot-api.ts). The Lambda
 * bundles, whose size is their cold start, get Node's fetch under that name instead.
 */
const nativeFetchForGrammy = {
  name: "native-fetch-for-grammy",
  setup(b) {
    b.onResolve({ filter: /^node-fetch$/ }, () => ({ path: "node-fetch", namespace: "native-fetch" }));
    b.onLoad({ filter: /.*/, namespace: "native-fetch" }, () => ({
      contents:
        "const f = (...args) => globalThis.fetch(...args);\nmodule.exports = f;\nmodule.exports.default = f;\n",
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
  // runtime: `agent-claw runtime` alone (bin/agent-claw.js starts it), so /ping answers before the CLI loads.
  entryPoints: { cli: "src/cli/main.ts", runtime: "src/runtime/main.ts" },
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
  // `deploy aws` (infra/, the CDK toolkit): these read their own files at run time (schemas, wasm, bundled
  // jsii data) and load only in that command, from node_modules.
  external: ["aws-cdk-lib", "constructs", "@aws-cdk/toolkit-lib"],
  // CommonJS dependencies inside an ESM bundle need require().
  banner: {
    js: "import { createRequire as __acRequire } from 'node:module'; const require = __acRequire(import.meta.url);",
  },
});
// The AWS engine's Lambda handlers: each bundled on its own (no shared chunks: a function ships one
// file), minified, so that a cold start loads only what that handler imports. The metafile lets a test
// check what went into each (the ingest handler must not carry the model providers).
const lambdas = await build({
  entryPoints: Object.fromEntries(
    ["ingest", "runner", "schedule"].map((name) => [name, `src/lambda/${name}.ts`]),
  ),
  outdir: new URL("lambda", `${next.href}/`).pathname,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node24",
  minify: true,
  sourcemap: "linked",
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
  plugins: [httpWithoutUndici, zodEnglishOnly, nativeFetchForGrammy],
  // The AWS SDK's browser user-agent parser, imported dynamically and never on Node.
  external: ["bowser"],
  banner: {
    js: "import { createRequire as __acRequire } from 'node:module'; const require = __acRequire(import.meta.url);",
  },
});
writeFileSync(new URL("lambda/metafile.json", `${next.href}/`), JSON.stringify(lambdas.metafile));
// The AgentCore Runtime image's bundle (infra/runtime/Dockerfile, copied beside it): dist/agentcore/runtime.mjs
// and its chunks, every dependency inside, so the image needs no node_modules. Split, not one file: the
// entry answers /ping before the engine's chunks (the AWS SDK, the AI SDK) are even read.
await build({
  entryPoints: { runtime: "src/runtime/main.ts" },
  outdir: new URL("agentcore", `${next.href}/`).pathname,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  minify: true,
  logLevel: "warning",
  legalComments: "none",
  plugins: [httpWithoutUndici, zodEnglishOnly, nativeFetchForGrammy],
  // The AWS SDK's browser user-agent parser, imported dynamically and never on Node.
  external: ["bowser"],
  banner: {
    js: "import { createRequire as __acRequire } from 'node:module'; const require = __acRequire(import.meta.url);",
  },
});
cpSync(
  new URL("../infra/runtime/Dockerfile", import.meta.url),
  new URL("agentcore/Dockerfile", `${next.href}/`),
);
// The Fargate gateway image (infra/fargate-stack.ts) is built from the package root with
// dist/gateway/Dockerfile, so an installed package (bin, dist) can deploy it too.
await build({
  entryPoints: { entrypoint: "infra/gateway/entrypoint.ts" },
  outdir: new URL("gateway", `${next.href}/`).pathname,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node24",
  minify: true,
  logLevel: "warning",
  legalComments: "none",
  plugins: [zodEnglishOnly],
});
cpSync(
  new URL("../infra/gateway/Dockerfile", import.meta.url),
  new URL("gateway/Dockerfile", `${next.href}/`),
);
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
