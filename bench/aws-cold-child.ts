// One Lambda cold start in a fresh Node process (bench/aws-cold-init.ts spawns it with the function's
// environment): imports the bundle at argv[2] (Lambda's Init) and answers the JSON event at argv[3] (the
// first invocation), then prints one line `cold-init {...}` with the times (wall clock, and this process's
// CPU time, which a busy machine inflates far less), and exits.
import { pathToFileURL } from "node:url";

const [, , bundle, eventJson] = process.argv;
// performance.now() counts from the process's start: what Node took to boot and load this file.
const bootMs = performance.now();
const cpuMs = (since?: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const cpu0 = process.cpuUsage();
const { handler } = (await import(pathToFileURL(bundle!).href)) as {
  handler(event: unknown, context: unknown): Promise<unknown>;
};
const imported = performance.now();
const importCpuMs = cpuMs(cpu0);
const deadline = Date.now() + 30_000;
const result = await handler(JSON.parse(eventJson!), {
  functionName: "bench",
  awsRequestId: "bench-cold-init",
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => deadline - Date.now(),
});
const answered = performance.now();
const times = {
  bootMs,
  importMs: imported - bootMs,
  firstMs: answered - imported,
  importCpuMs,
  firstCpuMs: cpuMs(cpu0) - importCpuMs,
  result,
};
process.stdout.write(`\ncold-init ${JSON.stringify(times)}\n`);
// A warm environment keeps its SDK connections open; this one is done.
process.exit(0);
