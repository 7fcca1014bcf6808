// `npm run bench`: prints the figures the issues set targets for. Run on an idle machine.
import { benchCliProcess } from "./cli-process.ts";
import { report } from "./stats.ts";
import { benchTranscriptLoad } from "./transcript-load.ts";
import { benchTurnOverhead } from "./turn-overhead.ts";

const line = (text: string) => process.stdout.write(`${text}\n`);

line(`agent-claw benchmarks · Node ${process.versions.node} · ${new Date().toISOString()}`);
line("");
line(report("turn overhead, in-process (zero-latency model)", await benchTurnOverhead(), { p50: 2 }));
line(report("agent -m process, whole (fake model on HTTP)", await benchCliProcess(), { p50: 300 }));
const load = await benchTranscriptLoad();
line(`${report("load a 10,000-entry transcript", load, { p50: 50 })}   ${(load.bytes / 1e6).toFixed(1)} MB`);
line(`rss after benchmarks: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
