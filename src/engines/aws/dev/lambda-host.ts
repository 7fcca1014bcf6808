// Runs one bundled Lambda function (dist/lambda/<name>.mjs) as Lambda does: each execution environment a
// worker thread with its own module scope and environment, reused while warm, one invocation at a time,
// ended for good on a timeout or a kill (the next invocation starts a cold one).
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export interface LambdaHostOptions {
  /** The function's name, for logs and errors ("runner"). */
  name: string;
  /** Path of the bundle exporting `handler`. */
  bundle: string;
  /** The function's environment: the only process.env its code sees. */
  env: Record<string, string>;
  /** Most execution environments at once (reserved concurrency); invocations beyond it wait. */
  maxConcurrency: number;
  /** The function timeout: the environment is ended when an invocation runs longer. */
  timeoutMs: number;
  /** Where the function's stdout and stderr go, line by line (default: this process's stderr). */
  log?(line: string): void;
  /** Told when an execution environment ends (timeout, kill, crash, shutdown). */
  onEnvironmentEnd?(): void;
}

/** Why an invocation did not return: it threw, timed out, or was killed. */
export class InvocationError extends Error {
  override readonly name = "InvocationError";
  readonly kind: "error" | "timeout" | "killed";
  constructor(message: string, kind: InvocationError["kind"]) {
    super(message);
    this.kind = kind;
  }
}

export interface LambdaHost {
  /** Invokes the handler with `event`; aborting `signal` kills the environment mid-invocation. */
  invoke(event: unknown, signal?: AbortSignal): Promise<unknown>;
  /** Execution environments started so far (each a cold start). */
  readonly coldStarts: number;
  close(): Promise<void>;
}

// The runtime inside each worker: import the bundle once (the cold start), then answer invocations.
const RUNTIME = `
const { parentPort, workerData } = require("node:worker_threads");
const loaded = import(workerData.url).then((m) => {
  if (typeof m.handler !== "function") throw new Error(workerData.url + " exports no handler function");
  return m.handler;
});
loaded.catch(() => {});
parentPort.on("message", async ({ id, event, deadline }) => {
  const context = {
    functionName: workerData.name, awsRequestId: id, callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const handler = await loaded;
    parentPort.postMessage({ id, ok: true, result: await handler(event, context) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
`;

interface Reply {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Starts nothing until the first invocation: environments are created on demand, as on Lambda. */
export function createLambdaHost(options: LambdaHostOptions): LambdaHost {
  const url = pathToFileURL(options.bundle).href;
  const log = options.log ?? ((line: string) => process.stderr.write(`[${options.name}] ${line}\n`));
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const waiting: Array<{ resolve(worker: Worker): void; reject(error: Error): void }> = [];
  let coldStarts = 0;
  let closed = false;

  function start(): Worker {
    coldStarts++;
    const worker = new Worker(RUNTIME, {
      eval: true,
      workerData: { url, name: options.name },
      env: options.env,
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) log(line);
      });
    }
    all.add(worker);
    // An error outside an invocation (a timer the last one left behind) ends the environment quietly;
    // one inside an invocation is reported by that invocation's listener.
    worker.on("error", () => {});
    worker.once("exit", () => {
      options.onEnvironmentEnd?.();
      const idleAt = idle.indexOf(worker);
      if (idleAt >= 0) idle.splice(idleAt, 1);
      if (!all.delete(worker)) return;
      const next = waiting.shift();
      if (next) next.resolve(start());
    });
    return worker;
  }

  async function take(): Promise<Worker> {
    const warm = idle.pop();
    if (warm) return warm;
    if (all.size < options.maxConcurrency) return start();
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  function release(worker: Worker, healthy: boolean): void {
    if (!healthy || closed) {
      // Counted out now, not at its exit event, so the slot is free for the next invocation at once.
      all.delete(worker);
      void worker.terminate();
      // A slot freed by an ended environment goes to the next waiter as a cold one.
      const next = waiting.shift();
      if (next) next.resolve(start());
      return;
    }
    const next = waiting.shift();
    if (next) next.resolve(worker);
    else idle.push(worker);
  }

  async function invoke(event: unknown, signal?: AbortSignal): Promise<unknown> {
    if (closed) throw new InvocationError(`${options.name} is shut down`, "killed");
    const worker = await take();
    const id = randomUUID();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(false, () =>
            reject(
              new InvocationError(`Task timed out after ${options.timeoutMs / 1000} seconds`, "timeout"),
            ),
          ),
        options.timeoutMs,
      );
      const finish = (healthy: boolean, settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        release(worker, healthy);
        settle();
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        if (reply.ok) finish(true, () => resolve(reply.result));
        else finish(true, () => reject(new InvocationError(reply.error ?? "failed", "error")));
      };
      // An exception outside the handler's promise ends the runtime, as on Lambda.
      const onError = (error: Error) =>
        finish(false, () => reject(new InvocationError(error.stack ?? error.message, "error")));
      const onExit = () =>
        finish(false, () => reject(new InvocationError(`${options.name} exited mid-invocation`, "error")));
      const onAbort = () =>
        finish(false, () =>
          reject(new InvocationError(`${options.name} was killed mid-invocation`, "killed")),
        );
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ id, event, deadline: Date.now() + options.timeoutMs });
    });
  }

  return {
    invoke,
    get coldStarts() {
      return coldStarts;
    },
    async close() {
      closed = true;
      idle.length = 0;
      for (const waiter of waiting.splice(0)) {
        waiter.reject(new InvocationError(`${options.name} is shut down`, "killed"));
      }
      await Promise.all([...all].map((worker) => worker.terminate()));
      all.clear();
    },
  };
}
