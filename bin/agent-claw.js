#!/usr/bin/env node
// The installed entry point: answers --version without loading the CLI, hands over to the project's
// own Node when the one on PATH is too old (so `npm link` works without npx), then loads dist/.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const [major, minor] = process.versions.node.split(".").map(Number);
const tooOld = major < 22 || (major === 22 && minor < 13);
// The Node 24 that `npm ci` installs from the `node` devDependency, beside this package's bin/.
const projectNode = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
// The gateway lives for weeks: V8 flags that keep its memory small (bench/soak.ts measures them, at no
// CPU cost it can see). Under a burst of requests V8 grows the young generation to 128 MB and keeps
// it, and lets the old one grow to several times what is live before collecting it.
const DAEMON_NODE_FLAGS =
  args[0] === "gateway" ? ["--max-semi-space-size=4", "--heap-growing-percent=30"] : [];

if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  // Loading the bundle costs more than Node's own start; the version needs none of it.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else if (missingDaemonFlags().length > 0 && typeof process.execve === "function") {
  // Node reads heap flags only at its start: the gateway starts over in this same process (same pid,
  // same stdio, as a supervisor expects) with them, unless NODE_OPTIONS or the command line set them.
  const node = process.execPath;
  const self = fileURLToPath(import.meta.url);
  try {
    // glibc gives each thread that allocates its own 64 MB arena; two hold the gateway's native memory.
    const env = { MALLOC_ARENA_MAX: "2", ...process.env };
    process.execve(node, [node, ...process.execArgv, ...missingDaemonFlags(), self, ...args], env);
  } catch {
    await runCli("cli.js"); // Node's defaults, then: more memory, same behaviour.
  }
} else if (tooOld && existsSync(projectNode) && process.execPath !== projectNode) {
  await handOver(projectNode);
} else if (tooOld) {
  console.error(
    `agent-claw needs Node 22.13 or newer (it uses node:sqlite); this is Node ${process.versions.node}.\n` +
      "Inside the project, `npm ci` installs the Node 24 it runs on; elsewhere, install Node 22.13 or newer.",
  );
  process.exitCode = 1;
} else {
  // AgentCore's health check must be answered within moments of the start: the runtime loads alone.
  await runCli(args[0] === "runtime" ? "runtime.js" : "cli.js");
}

/** Runs the CLI under the project's Node with this terminal; its exit code and signal become ours. */
async function handOver(node) {
  const { spawn } = await import("node:child_process");
  const child = spawn(node, [...missingDaemonFlags(), fileURLToPath(import.meta.url), ...args], {
    stdio: "inherit",
    env: DAEMON_NODE_FLAGS.length > 0 ? { MALLOC_ARENA_MAX: "2", ...process.env } : process.env,
  });
  // On a terminal, Ctrl-C and a closing terminal reach the whole process group, the child too; passed
  // on, they would arrive twice (and a second Ctrl-C ends the gateway without letting turns finish).
  // With no terminal at all, a signal was sent to us alone (a supervisor, a script), so it is passed on.
  const { isatty } = await import("node:tty");
  const fromTerminal = [0, 1, 2].some((fd) => isatty(fd));
  for (const signal of ["SIGINT", "SIGHUP", "SIGTERM"]) {
    process.on(signal, () => {
      if (signal === "SIGTERM" || !fromTerminal) child.kill(signal);
    });
  }
  child.on("error", (error) => {
    console.error(`agent-claw could not start ${node}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}

/** The gateway's heap flags that neither Node's command line nor NODE_OPTIONS set: yours win. */
function missingDaemonFlags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return DAEMON_NODE_FLAGS.filter((flag) => !given.some((g) => g.startsWith(flag.split("=")[0])));
}

async function runCli(entry) {
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
    // A read-only cache folder: start without it.
  }
  try {
    await import(`../dist/${entry}`);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(`dist/${entry}`)) {
      console.error("agent-claw is not built yet: run `npm run build` (npm ci does it for you).");
      process.exit(1);
    }
    throw error;
  }
}
