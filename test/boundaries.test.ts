// The core and the ports stay free of adapters, engines and platform SDKs: a test, not a promise.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
  )) {
    found.push((match[1] ?? match[2])!);
  }
  return found;
}

const FORBIDDEN = [
  {
    test: (spec: string) => /(^|\/)(adapters|engines|cli)\//.test(spec),
    why: "an adapter, engine or the CLI",
  },
  {
    test: (spec: string) => /^(node:)?(fs|fs\/promises|child_process|sqlite|net|http|https)$/.test(spec),
    why: "a Node platform module",
  },
  {
    test: (spec: string) =>
      /^(@aws-sdk\/|grammy|better-sqlite3|@ai-sdk\/(anthropic|openai|amazon-bedrock|openai-compatible))/.test(
        spec,
      ),
    why: "a platform SDK",
  },
];

describe("boundaries", () => {
  for (const folder of ["src/core", "src/ports"]) {
    it(`${folder} imports no adapter, engine, platform module or SDK`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, folder))) {
        for (const spec of importsOf(file)) {
          const rule = FORBIDDEN.find((r) => r.test(spec));
          if (rule) violations.push(`${relative(root, file)} imports ${spec} (${rule.why})`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it("catches a violation when there is one", () => {
    const bad = ['import { x } from "../../adapters/sqlite/db.ts";', 'import fs from "node:fs";'];
    const specs = bad.flatMap((line) => [...line.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!));
    expect(specs.filter((s) => FORBIDDEN.some((r) => r.test(s)))).toHaveLength(2);
  });
});
