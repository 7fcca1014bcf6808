// `deploy aws --synth` works anywhere: both stacks synthesize in a process with no AWS_* variables and an
// empty home (no credentials, no profile, no Docker), pass CDK's CloudFormation validation, and write
// nothing outside the output folder but CDK's fingerprint cache.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesize } from "./app.ts";
import { parseDeployOptions } from "./options.ts";
import { type Artifacts, fakeArtifacts } from "./testing/stacks.ts";

let artifacts: Artifacts;
let scratch: string;

beforeAll(() => {
  artifacts = fakeArtifacts();
  scratch = mkdtempSync(join(tmpdir(), "agent-claw-synth-"));
});
afterAll(() => {
  artifacts.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe("synthesize", () => {
  it("writes both stacks offline, validated, with no credentials and an empty home", () => {
    const home = join(scratch, "home");
    const out = join(scratch, "out");
    const app = new URL("./app.ts", import.meta.url).href;
    const script = `
      import { mkdirSync } from "node:fs";
      import { synthesize } from ${JSON.stringify(app)};
      mkdirSync(${JSON.stringify(home)});
      const dirs = ${JSON.stringify({ lambdaDir: artifacts.lambdaDir, runtimeDir: artifacts.runtimeDir, gatewayDir: artifacts.gatewayDir })};
      const results = [];
      for (const [stack, turns] of [["serverless", "agentcore"], ["fargate", "lambda"], ["serverless", "lambda"]]) {
        const started = performance.now();
        const synthesized = synthesize({ stack, turns, ...dirs }, ${JSON.stringify(out)} + "-" + stack + "-" + turns);
        results.push({ stack, turns, ms: Math.round(performance.now() - started), ...synthesized });
      }
      console.log(JSON.stringify(results));
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env["PATH"], HOME: home },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(child.stderr).not.toMatch(/Template validation found issues|Error/);
    expect(child.status).toBe(0);
    const results = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Array<{
      stack: string;
      turns: string;
      ms: number;
      templates: Array<{ stackName: string; file: string }>;
    }>;
    expect(results.map((r) => r.templates.map((t) => t.stackName))).toEqual([
      ["agent-claw-serverless"],
      ["agent-claw-fargate"],
      ["agent-claw-serverless"],
    ]);
    for (const result of results) {
      const template = JSON.parse(readFileSync(result.templates[0]!.file, "utf8"));
      expect(Object.keys(template.Resources).length).toBeGreaterThan(20);
    }
    // The figures the bench reports: the first synth in a process compiles CDK's validation rules.
    console.log(
      `synth times (first in the process first): ${results.map((r) => `${r.stack}/${r.turns} ${r.ms} ms`).join(", ")}`,
    );
    // Nothing in the home but CDK's cache of file fingerprints (~/.cdk/cache/fingerprints, a cache).
    expect(readdirSync(home)).toEqual([".cdk"]);
    expect(readdirSync(join(home, ".cdk"))).toEqual(["cache"]);
    expect(readdirSync(join(home, ".cdk", "cache"))).toEqual(["fingerprints"]);
  }, 120_000);

  it("stages the image contexts without building them (Docker runs at deploy)", () => {
    const out = join(scratch, "staged");
    synthesize({ stack: "serverless", turns: "agentcore", ...artifacts }, out, false);
    const manifest = JSON.parse(readFileSync(join(out, "agent-claw-serverless.assets.json"), "utf8"));
    const images = Object.values(manifest.dockerImages) as Array<{
      source: { directory: string; platform: string };
    }>;
    expect(images).toHaveLength(1);
    expect(images[0]!.source.platform).toBe("linux/arm64");
    expect(existsSync(join(out, images[0]!.source.directory, "Dockerfile"))).toBe(true);
  });
});

describe("options", () => {
  it("default to the agent-claw name and turns in Lambda", () => {
    expect(parseDeployOptions({ stack: "serverless", ...artifacts })).toMatchObject({
      name: "agent-claw",
      turns: "lambda",
    });
  });

  it("name every bad option at once", () => {
    expect(() =>
      parseDeployOptions({
        stack: "fargate",
        name: "my_bot",
        region: "Europe",
        lambdaDir: artifacts.lambdaDir,
        runtimeDir: artifacts.runtimeDir,
      }),
    ).toThrow(
      /^Cannot build the AWS stacks: name must start with a letter .*; region is not a region \(like eu-west-1\)/,
    );
    expect(() => parseDeployOptions({ stack: "fargate", lambdaDir: "l", runtimeDir: "r" })).toThrow(
      /gatewayDir the fargate stack needs gatewayDir/,
    );
  });
});
