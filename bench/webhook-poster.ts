// The Telegram bench's load generator, in a process of its own so that its timings are not held up
// by the fake Bot API's work: it POSTs the updates its parent sends over IPC to the webhook, over at
// most `connections` keep-alive connections (as Telegram does), and reports each call's time.
import { post } from "./http-client.ts";

interface Setup {
  url: string;
  secret: string;
  connections: number;
}
type Incoming = { setup: Setup } | { id: number; update: unknown } | { done: true };

let setup: Setup | undefined;
const ready: Array<{ id: number; update: unknown }> = [];
const idle: Array<() => void> = [];
let finished = false;

async function connection(): Promise<void> {
  for (;;) {
    const next = ready.shift();
    if (!next) {
      if (finished) return;
      await new Promise<void>((resolve) => idle.push(resolve));
      continue;
    }
    const started = performance.now();
    const send = () => post(setup!.url, next.update, { "x-telegram-bot-api-secret-token": setup!.secret });
    // A kept-alive connection the server closed as idle just as this call went out: Telegram sends
    // the update again (the webhook dedupes it by update_id); so does this poster, once.
    const response = await send().catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") return send();
      throw error;
    });
    process.send!({ id: next.id, ackMs: performance.now() - started, status: response.status });
  }
}

process.on("message", (message: Incoming) => {
  if ("setup" in message) {
    setup = message.setup;
    void Promise.all(Array.from({ length: setup.connections }, connection)).then(() => process.exit(0));
  } else if ("done" in message) {
    finished = true;
    for (const resume of idle.splice(0)) resume();
  } else {
    ready.push(message);
    idle.shift()?.();
  }
});
