// Gateway memory under sustained load: the built gateway in its own process, a zero-latency fake model in
// another, 8 clients sending about 200 requests/s through /v1/chat/completions over 200 sessions whose
// transcripts keep growing. RSS is sampled every second during the load and once after 10 s idle.
// `node bench/soak.ts [seconds]` prints the figures alone (default 180 s).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agent, post } from "./http-client.ts";
import { BENCH_TOKEN, startGatewayProcess } from "./gateway-process.ts";
import { percentile } from "./stats.ts";
import { startModelProcess } from "./telegram.ts";

/** The target issue 12 sets for a long-lived daemon on a Pi-class machine. */
export const SOAK_RSS_TARGET_MB = 150;

export interface SoakOptions {
  seconds?: number;
  clients?: number;
  sessions?: number;
  /** Requests per second over all clients together. */
  rate?: number;
  idleMs?: number;
}

export interface SoakFigures {
  seconds: number;
  clients: number;
  sessions: number;
  requests: number;
  errors: number;
  perSecond: number;
  /** The gateway's CPU time (user + system) per request during the load: its cost whatever the machine's load. */
  cpuPerRequestMs: number;
  /** RSS once ready, before any request. */
  startRssMb: number;
  during: { p50: number; max: number; samples: number };
  /** RSS after the load stopped and the gateway sat idle for idleMs. */
  afterIdleRssMb: number;
  idleMs: number;
  /** Transcript bytes on disk at the end, over all sessions. */
  transcriptMb: number;
}

/** CPU time the process has used so far (user + system), ms. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

// A person's message of a few sentences: transcripts grow by a few hundred bytes per turn.
const message = (session: number, turn: number) =>
  `Message ${turn} in conversation ${session}: ${"please keep this in mind for later, it matters. ".repeat(3)}`;

export async function benchSoak(options: SoakOptions = {}): Promise<SoakFigures> {
  const seconds = options.seconds ?? 180;
  const clients = options.clients ?? 8;
  const sessions = options.sessions ?? 200;
  const rate = options.rate ?? 200;
  const idleMs = options.idleMs ?? 10_000;
  const model = await startModelProcess(Math.ceil(seconds * rate * 1.2) + 100);
  const home = await mkdtemp(join(tmpdir(), "ac-bench-soak-"));
  const agentHome = join(home, ".agent-claw");
  await mkdir(agentHome, { recursive: true });
  // One lane per client, so every client's request runs as soon as it arrives.
  await writeFile(join(agentHome, "config.json"), JSON.stringify({ lanes: { maxConcurrent: clients } }));
  try {
    const gateway = await startGatewayProcess({ home, agentHome, modelUrl: model.url });
    const pid = gateway.child.pid!;
    try {
      const startRssMb = rssMb(pid);
      const cpuBefore = cpuMs(pid);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssMb(pid)), 1000);
      const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
      const turns = new Array<number>(sessions).fill(0);
      const interval = (1000 * clients) / rate;
      const t0 = performance.now();
      const end = t0 + seconds * 1000;
      let requests = 0;
      let errors = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          // Paced, not flat out: each client sends its share of the rate, catching up when behind.
          for (let i = 0; ; i++) {
            const due = t0 + (i + c / clients) * interval;
            const now = performance.now();
            if (due >= end || now >= end) return;
            if (due > now) await new Promise((r) => setTimeout(r, due - now));
            // Sessions in turn over all clients: every session grows at the same pace.
            const s = next++ % sessions;
            const turn = turns[s]!++;
            const res = await post(
              `${gateway.url}/v1/chat/completions`,
              {
                model: "agent-claw",
                user: `soak-${s}`,
                messages: [{ role: "user", content: message(s, turn) }],
              },
              auth,
            );
            requests++;
            if (res.status !== 200) errors++;
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      const cpuPerRequestMs = (cpuMs(pid) - cpuBefore) / Math.max(1, requests);
      clearInterval(sampler);
      await new Promise((r) => setTimeout(r, idleMs));
      const afterIdleRssMb = rssMb(pid);
      const sorted = samples.toSorted((a, b) => a - b);
      return {
        seconds: elapsed,
        clients,
        sessions,
        requests,
        errors,
        perSecond: requests / elapsed,
        cpuPerRequestMs,
        startRssMb,
        during: { p50: percentile(sorted, 50), max: sorted.at(-1) ?? startRssMb, samples: samples.length },
        afterIdleRssMb,
        idleMs,
        transcriptMb: transcriptBytes(join(agentHome, "sessions")) / 1e6,
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await model.close();
    agent.destroy();
    await rm(home, { recursive: true, force: true });
  }
}

/** The size of the transcripts (*.jsonl) in dir. */
function transcriptBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name.endsWith(".jsonl")) total += statSync(join(dir, name)).size;
  }
  return total;
}

export function soakLines(f: SoakFigures): string[] {
  const mb = (v: number) => `${v.toFixed(1)} MB`;
  const check = (v: number) => (v < SOAK_RSS_TARGET_MB ? " ✓" : ` ✗ (target < ${SOAK_RSS_TARGET_MB} MB)`);
  const label = `gateway soak, ${f.clients} clients over ${f.sessions} sessions`.padEnd(47);
  return [
    `${label}${f.requests} requests in ${f.seconds.toFixed(0)} s (${f.perSecond.toFixed(0)} req/s, ${f.errors} errors), gateway CPU ${f.cpuPerRequestMs.toFixed(2)} ms/request, transcripts ${mb(f.transcriptMb)}`,
    `${"gateway RSS during the soak".padEnd(47)}start ${mb(f.startRssMb)}   p50 ${mb(f.during.p50)}${check(f.during.p50)}   max ${mb(f.during.max)}${check(f.during.max)}`,
    `${`gateway RSS after ${(f.idleMs / 1000).toFixed(0)} s idle`.padEnd(47)}${mb(f.afterIdleRssMb)}${check(f.afterIdleRssMb)}`,
  ];
}

if (import.meta.main) {
  const seconds = Number(process.argv[2] ?? 180);
  if (!(seconds > 0)) throw new Error(`usage: node bench/soak.ts [seconds > 0], got ${process.argv[2]}`);
  for (const text of soakLines(await benchSoak({ seconds }))) process.stdout.write(`${text}\n`);
}
