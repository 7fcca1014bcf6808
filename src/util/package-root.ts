// The folder holding agent-claw's package.json, found by walking up from this module: the same answer from
// src/ (tests), from dist/ and its chunks (the CLI) and from an npm install.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find agent-claw's package.json above ${import.meta.url}`);
    dir = up;
  }
  return dir;
}
