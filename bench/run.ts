// `npm run bench`: prints the figures the issues set targets for. Run on an idle machine.
import { agentCoreTurnsLines, benchAgentCoreTurns } from "./agentcore-turns.ts";
import { benchAwsColdInit, coldInitLines } from "./aws-cold-init.ts";
import { benchAwsLatency, latencyLines } from "./aws-latency.ts";
import { benchAwsScaleWithin, scaleLines } from "./aws-scale.ts";
import { benchCliProcess } from "./cli-process.ts";
import { benchGateway } from "./gateway.ts";
import { benchScheduler } from "./scheduler.ts";
import { benchTelegram } from "./telegram.ts";
import { benchPromptTokens, promptTokensLines } from "./prompt-tokens.ts";
import { benchRuntimeFirstPing } from "./runtime-first-ping.ts";
import { benchMemory, memoryLines } from "./memory.ts";
import { report } from "./stats.ts";
import { benchSoak, soakLines } from "./soak.ts";
import { benchSynth, synthLines } from "./synth.ts";
import { benchTranscriptLoad } from "./transcript-load.ts";
import { benchTurnOverhead } from "./turn-overhead.ts";

const line = (text: string) => process.stdout.write(`${text}\n`);
const check = (ok: boolean, target: string) => (ok ? " ✓" : ` ✗ (target ${target})`);

line(`agent-claw benchmarks · Node ${process.versions.node} · ${new Date().toISOString()}`);
line("");
line(report("turn overhead, in-process (zero-latency model)", await benchTurnOverhead(), { p50: 2 }));
const cli = await benchCliProcess();
line(report("agent-claw --version, as a user runs it", cli.version, { p50: 150 }));
line(report("agent -m process, whole (fake model on HTTP)", cli.agent, { p50: 300 }));
const load = await benchTranscriptLoad();
line(
  `${report("load a 10,000-entry transcript from disk", load.cold, { p50: 50 })}   ${(load.bytes / 1e6).toFixed(1)} MB`,
);
line(report("the same transcript again (kept parsed)", load.warm));

line("");
const gw = await benchGateway();
line(
  `gateway cold start until /readyz answers       ${gw.coldStartMs.toFixed(0)} ms${check(gw.coldStartMs < 500, "< 500 ms")}`,
);
line(
  `gateway idle RSS after 10 s                    ${gw.idleRssMb.toFixed(1)} MB${check(gw.idleRssMb < 80, "< 80 MB")}`,
);
line(report("the gateway's model request, sent directly", gw.direct));
line(report("the same through /v1/chat/completions", gw.viaGateway));
const addedP50 = gw.viaGateway.p50 - gw.direct.p50;
const addedP99 = gw.viaGateway.p99 - gw.direct.p99;
line(
  `added by the gateway                           p50 ${addedP50.toFixed(2)} ms${check(addedP50 < 2, "< 2 ms")}   p99 ${addedP99.toFixed(2)} ms${check(addedP99 < 10, "< 10 ms")}`,
);
const t = gw.throughput;
line(
  `throughput, 50 clients over 50 sessions        ${t.perSecond.toFixed(0)} req/s${check(t.perSecond >= 1500, ">= 1500 req/s")}   (${t.requests} requests in ${t.seconds.toFixed(1)} s, ${t.errors} errors)`,
);

line("");
const tg = await benchTelegram();
line(report("Telegram webhook acknowledged", tg.ack, { p99: 10 }));
line(
  `Telegram, ${tg.updates} updates over ${tg.chats} chats          ${tg.seconds.toFixed(1)} s, ${(tg.updates / tg.seconds).toFixed(0)} updates/s, ${tg.wrong === 0 ? "one reply per update, in order ✓" : `${tg.wrong} replies missing, doubled or out of order ✗`}`,
);

line("");
const cron = await benchScheduler();
const label = (text: string) => text.padEnd(47);
line(
  `${label(`add ${cron.add.jobs.toLocaleString("en")} cron jobs, one at a time (state.db)`)}${cron.add.seconds.toFixed(1)} s, ${cron.add.perSecond.toFixed(0)} jobs/s (each durable before the next)`,
);
const mem = cron.memory;
line(
  `${label(`scheduler memory, ${mem.jobs.toLocaleString("en")} jobs (own process)`)}RSS +${mem.rssMb.toFixed(1)} MB   heap +${mem.heapMb.toFixed(2)} MB (after gc)   start() ${mem.startMs.toFixed(0)} ms`,
);
line(report(`cron lateness, ${cron.lateness.n} at jobs beside them`, cron.lateness, { p99: 100 }));
const cg = cron.gateway;
line(
  `${label(`gateway start with ${cg.jobs.toLocaleString("en")} jobs until /readyz`)}${cg.startMs.toFixed(0)} ms   (${cg.startMs >= gw.coldStartMs ? "+" : ""}${(cg.startMs - gw.coldStartMs).toFixed(0)} ms over the cold start above)`,
);
line(
  `${label(`gateway idle CPU with ${cg.jobs.toLocaleString("en")} jobs, ${cg.idleSeconds.toFixed(0)} s`)}${cg.cpuPercent.toFixed(2)} % of a core${check(cg.cpuPercent < 0.5, "< 0.5 %")}   (${cg.cpuMsPerSecond.toFixed(1)} ms/s: ${cg.ticks} ticks of ${cg.tickMs} ms)   ${cg.wakeupsPerSecond.toFixed(1)} wake-ups/s`,
);

// The serverless engine: the Lambda bundles (dist/lambda) on their own, then through aws dev (emulators on
// loopback, every function and emulator in this one process beside the fakes, on this machine's cores).
line("");
for (const text of coldInitLines(await benchAwsColdInit())) line(text);
for (const text of latencyLines(await benchAwsLatency())) line(text);
for (const text of scaleLines(await benchAwsScaleWithin())) line(text);
// Turns in AgentCore Runtime (aws dev --turns agentcore: the local stand-in, a runtime process per session).
for (const text of agentCoreTurnsLines(await benchAgentCoreTurns())) line(text);
for (const [start, summary] of Object.entries(await benchRuntimeFirstPing())) {
  line(report(`first /ping: ${start}`, summary, start.includes("floor") ? {} : { p50: 200 }));
}

// deploy aws: the CloudFormation templates, offline, from the built CLI.
line("");
for (const text of synthLines(await benchSynth())) line(text);

// A long-lived daemon stays small: gateway RSS during and after a 3-minute soak over 200 growing sessions.
line("");
for (const text of soakLines(await benchSoak())) line(text);

// Memory: memory_search over 10,000 notes (SQLite FTS5, BM25) and keeping the index current.
line("");
for (const text of memoryLines(await benchMemory())) line(text);

// Prompt size per turn for the default workspace (system prompt, tools, the conversation), as sent on the wire.
line("");
for (const text of promptTokensLines(await benchPromptTokens())) line(text);
