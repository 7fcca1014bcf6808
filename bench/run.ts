// `npm run bench`: prints the figures the issues set targets for. Run on an idle machine.
import { benchCliProcess } from "./cli-process.ts";
import { benchGateway } from "./gateway.ts";
import { benchTelegram } from "./telegram.ts";
import { report } from "./stats.ts";
import { benchTranscriptLoad } from "./transcript-load.ts";
import { benchTurnOverhead } from "./turn-overhead.ts";

const line = (text: string) => process.stdout.write(`${text}\n`);
const check = (ok: boolean, target: string) => (ok ? " ✓" : ` ✗ (target ${target})`);

line(`agent-claw benchmarks · Node ${process.versions.node} · ${new Date().toISOString()}`);
line("");
line(report("turn overhead, in-process (zero-latency model)", await benchTurnOverhead(), { p50: 2 }));
line(report("agent -m process, whole (fake model on HTTP)", await benchCliProcess(), { p50: 300 }));
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
