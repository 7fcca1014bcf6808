// Time of `agent-claw deploy aws --synth` as a user runs it from the built CLI: a whole process, offline, with
// no AWS_* variables and an empty home. Each variant's first run is reported apart (it fills the OS file
// cache and Node's compile cache for aws-cdk-lib, the bulk of the time), then the median of the warm runs.
// `node bench/synth.ts [runs]` prints them alone.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "./gateway-process.ts";
import { type Summary, summarize } from "./stats.ts";

const VARIANTS: Record<string, string[]> = {
  "serverless stack, turns in Lambda": ["--stack", "serverless", "--turns", "lambda"],
  "serverless stack, turns in AgentCore": ["--stack", "serverless", "--turns", "agentcore"],
  "Fargate stack": ["--stack", "fargate"],
};

function synthOnce(args: string[], home: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, "deploy", "aws", "--synth", "--out", out, ...args], {
      env: { PATH: process.env["PATH"], HOME: home },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => {
      if (code === 0) resolve(performance.now() - start);
      else reject(new Error(`deploy aws --synth ${args.join(" ")}: exit ${code}: ${stderr}`));
    });
  });
}

export interface SynthFigures {
  /** Variant → its first run (cold caches), ms. */
  first: Record<string, number>;
  /** Variant → the warm runs. */
  warm: Record<string, Summary>;
}

export async function benchSynth(runs = 3): Promise<SynthFigures> {
  const home = await mkdtemp(join(tmpdir(), "agent-claw-synth-bench-"));
  try {
    const figures: SynthFigures = { first: {}, warm: {} };
    for (const [label, args] of Object.entries(VARIANTS)) {
      const out = join(home, "cdk.out");
      figures.first[label] = await synthOnce(args, home, out);
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await synthOnce(args, home, out));
      figures.warm[label] = summarize(samples);
    }
    return figures;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

export function synthLines(figures: SynthFigures): string[] {
  return Object.entries(figures.warm).map(
    ([label, warm]) =>
      `${`deploy aws --synth: ${label}`.padEnd(58)} first ${(figures.first[label]! / 1000).toFixed(1)} s   then p50 ${(warm.p50 / 1000).toFixed(1)} s (n=${warm.n})`,
  );
}

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 3);
  for (const line of synthLines(await benchSynth(runs))) process.stdout.write(`${line}\n`);
}
