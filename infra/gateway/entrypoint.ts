// The gateway image's entry point (bundled to dist/gateway/entrypoint.mjs): prepares the environment and
// the EFS home, then runs the CLI with the image's arguments (`gateway`) as bin/agent-claw.js would.
import { mergeSecrets, prepareConfig } from "./container-env.ts";

try {
  mergeSecrets(process.env);
  prepareConfig(process.env);
} catch (error) {
  console.error(`agent-claw container: ${(error as Error).message}`);
  process.exit(1);
}
// Resolved at run time beside the bundle (/app/dist/gateway → /app/bin), not bundled into it.
const bin = new URL("../../bin/agent-claw.js", import.meta.url).href;
await import(bin);
