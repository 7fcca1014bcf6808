// Gateway figures: cold start until /readyz, idle RSS, the latency the gateway adds to a
// /v1/chat/completions request over calling the (zero-latency) fake model directly, and throughput.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";
import { agent, post } from "./http-client.ts";
import { type Summary, summarize } from "./stats.ts";
import { BENCH_TOKEN as TOKEN, startGatewayProcess } from "./gateway-process.ts";

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

export interface GatewayFigures {
  coldStartMs: number;
  idleRssMb: number;
  direct: Summary;
  viaGateway: Summary;
  throughput: { requests: number; seconds: number; perSecond: number; errors: number };
}

export async function benchGateway(
  options: { idleMs?: number; sequential?: number; concurrent?: number; perClient?: number } = {},
): Promise<GatewayFigures> {
  const fake = await startOpenAIChatFake({ onExhausted: "text" });
  const home = await mkdtemp(join(tmpdir(), "ac-bench-gw-"));
  const agentHome = join(home, ".agent-claw");
  // 50 clients over 50 sessions: the lanes cap (default 4, a cost guard for one person's assistant)
  // is raised so those sessions' turns can run at once, as a deployment serving an API would set it.
  await mkdir(agentHome, { recursive: true });
  await writeFile(join(agentHome, "config.json"), JSON.stringify({ lanes: { maxConcurrent: 50 } }));
  const gateway = await startGatewayProcess({ home, agentHome, modelUrl: fake.url }).catch(async (error) => {
    await fake.close();
    await rm(home, { recursive: true, force: true });
    throw error;
  });
  const { url, child } = gateway;
  try {
    const coldStartMs = gateway.startMs;
    await new Promise((r) => setTimeout(r, options.idleMs ?? 10_000));
    const idleRssMb = rssMb(child.pid!);

    const chat = (user: string, text: string) => ({
      model: "agent-claw",
      user,
      messages: [{ role: "user", content: text }],
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const n = options.sequential ?? 300;
    // The baseline is the very request the gateway sends the model (system prompt, tools, history,
    // streamed), so that the difference is what the gateway itself adds.
    const first = await post(`${url}/v1/chat/completions`, chat("seq-0", "hi"), auth);
    if (first.status !== 200) throw new Error(`gateway answered ${first.status}: ${first.body}`);
    const modelRequest = fake.requests.at(-1)!.body;
    fake.requests.length = 0;
    const direct: number[] = [];
    const via: number[] = [];
    for (let i = 0; i < n + 30; i++) {
      let t = performance.now();
      const res = await post(`${fake.url}/chat/completions`, modelRequest);
      if (res.status !== 200) throw new Error(`the fake model answered ${res.status}: ${res.body}`);
      if (i >= 30) direct.push(performance.now() - t);
      t = performance.now();
      const answer = await post(`${url}/v1/chat/completions`, chat(`seq-${i % 10}`, `hi ${i}`), auth);
      if (answer.status !== 200) throw new Error(`gateway answered ${answer.status}: ${answer.body}`);
      if (i >= 30) via.push(performance.now() - t);
      fake.requests.length = 0;
    }

    const clients = options.concurrent ?? 50;
    const perClient = options.perClient ?? 40;
    let errors = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; i < perClient; i++) {
          const res = await post(`${url}/v1/chat/completions`, chat(`load-${c}`, `m ${i}`), auth);
          if (res.status !== 200) errors++;
          fake.requests.length = 0;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const requests = clients * perClient;
    return {
      coldStartMs,
      idleRssMb,
      direct: summarize(direct),
      viaGateway: summarize(via),
      throughput: { requests, seconds, perSecond: requests / seconds, errors },
    };
  } finally {
    await gateway.stop();
    await fake.close();
    agent.destroy();
    await rm(home, { recursive: true, force: true });
  }
}
