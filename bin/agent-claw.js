#!/usr/bin/env node
// The installed entry point: checks the Node version, then loads the bundled CLI from dist/.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(
    `agent-claw needs Node 22.13 or newer (it uses node:sqlite); this is Node ${process.versions.node}.\n` +
      "Inside the project, run it through npm (npm start, npx agent-claw), which uses the Node 24 it installs.",
  );
  process.exit(1);
}
// grammY's fetch shim (node-fetch 2 → whatwg-url → tr46) requires Node's deprecated punycode
// module; that warning says nothing to our users, so it alone is dropped. Others still print.
const printWarning = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === "DeprecationWarning" && warning.code === "DEP0040") return;
  for (const listener of printWarning) listener(warning);
});
// V8's on-disk compile cache (Node 22.1+) skips re-parsing the bundle on every run.
try {
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.();
} catch {
  // Older Node, or a read-only cache folder: start without it.
}
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("agent-claw is not built yet: run `npm run build` (npm ci does it for you).");
    process.exit(1);
  }
  throw error;
}
