// Prints lines of TypeScript per folder (tests apart), so growth of the core stays visible, and the
// sizes of the Lambda bundles when they are built.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const groups = new Map();

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".ts")) {
      const rel = relative(root, path);
      const parts = rel.split("/");
      const group =
        parts[1] === "core" || parts[1] === "ports" || parts[1] === "cli"
          ? parts.slice(0, 2).join("/")
          : parts.slice(0, Math.min(3, parts.length - 1)).join("/");
      const kind =
        /\.(test|contract|e2e\.test)\.ts$/.test(name) || parts.includes("testing") ? "tests" : "source";
      const lines = readFileSync(path, "utf8").split("\n").length;
      const entry = groups.get(group) ?? { source: 0, tests: 0, files: 0 };
      entry[kind] += lines;
      if (kind === "source") entry.files++;
      groups.set(group, entry);
    }
  }
}

walk(join(root, "src"));
console.log(`${"folder".padEnd(28)} ${"files".padStart(6)} ${"source".padStart(8)} ${"tests".padStart(8)}`);
for (const [group, { source, tests, files }] of [...groups].sort()) {
  console.log(
    `${group.padEnd(28)} ${String(files).padStart(6)} ${String(source).padStart(8)} ${String(tests).padStart(8)}`,
  );
}

// The Lambda bundles, when built: their size is most of a cold start (the ingest target is under 1 MB).
const lambdaDir = join(root, "dist", "lambda");
let bundles = [];
try {
  bundles = readdirSync(lambdaDir).filter((name) => name.endsWith(".mjs"));
} catch {
  // Not built yet: `npm run build` makes dist/lambda.
}
if (bundles.length > 0) {
  console.log(`\n${"lambda bundle".padEnd(28)} ${"KB".padStart(8)}`);
  for (const name of bundles.sort()) {
    const kb = Math.round(statSync(join(lambdaDir, name)).size / 1024);
    console.log(`${`dist/lambda/${name}`.padEnd(28)} ${String(kb).padStart(8)}`);
  }
}
