// Turns in AgentCore against turns in the runner Lambda, through aws dev with the same instant fake
// model: update → sendMessage per message in both modes (the difference is what the AgentCore hop
// costs: the runner's SDK call, the stand-in, the runtime process and its workspace sync), and how fast a
// runtime answers /ping while its turns run (AgentCore polls it; a slow answer risks the session).
// `node bench/agentcore-turns.ts [messages]` prints them alone.
import { request } from "node:http";
import { type AwsBenchWorld, startAwsBenchWorld } from "./aws-dev-world.ts";
import { report, type Summary, summarize } from "./stats.ts";

export interface AgentCoreTurns {
  /** update → sendMessage, turns in the runner Lambda. */
  lambda: Summary;
  /** update → sendMessage, turns in AgentCore (warm sessions). */
  agentcore: Summary;
  /** The first message of a chat in AgentCore: its session's cold start included. */
  agentcoreCold: Summary;
  /** GET /ping answered by a runtime that said HealthyBusy (a turn was running), and Healthy. */
  pingBusy: Summary;
  pingIdle: Summary;
}

/** Posts one update and waits for the chat's `nth` reply; the milliseconds in between. */
async function roundTrip(world: AwsBenchWorld, chatId: number, text: string, nth: number): Promise<number> {
  const started = performance.now();
  const status = await world.postUpdate(
    world.telegram.message({ chatId, from: { id: chatId, first_name: `User ${chatId}` }, text }),
  );
  if (status !== 200) throw world.failure(`the webhook answered ${status}`);
  await world.telegram.waitFor(
    (call) => call.method === "sendMessage" && call.params["chat_id"] === chatId,
    60_000,
    nth,
  );
  const ms = performance.now() - started;
  const replies = world.replies(chatId);
  if (replies.length !== nth || replies.at(-1) !== `re: ${text}`) {
    throw world.failure(`chat ${chatId} got ${JSON.stringify(replies)} after "${text}"`);
  }
  await world.dev.sqs.idle();
  return ms;
}

/** One GET /ping on a fresh connection: its status word and the milliseconds it took. */
function ping(url: string): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ping`, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        const status = String((JSON.parse(body) as { status?: unknown }).status);
        resolve({ status, ms: performance.now() - started });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Round trips over `chats` chats (a warm-up turn each first); the warm-up and measured times. */
async function run(world: AwsBenchWorld, messages: number, chats: number, base: number) {
  const chatId = (c: number) => base + c;
  const cold: number[] = [];
  for (let c = 0; c < chats; c++) cold.push(await roundTrip(world, chatId(c), "hello", 1));
  const warm: number[] = [];
  for (let i = 0; i < messages; i++) {
    const c = i % chats;
    warm.push(await roundTrip(world, chatId(c), `m${i}`, 2 + Math.floor(i / chats)));
  }
  return { cold, warm };
}

export async function benchAgentCoreTurns(
  options: { messages?: number; chats?: number } = {},
): Promise<AgentCoreTurns> {
  const messages = options.messages ?? 40;
  const chats = options.chats ?? 4;

  const lambdaWorld = await startAwsBenchWorld({ turns: messages + chats });
  let lambda: number[];
  try {
    lambda = (await run(lambdaWorld, messages, chats, 8_100_000)).warm;
  } finally {
    await lambdaWorld.close();
  }

  const world = await startAwsBenchWorld({ turns: messages + chats, where: "agentcore" });
  const busy: number[] = [];
  const idle: number[] = [];
  let pinging = true;
  // Pings every live session in turn, one at a time, for as long as the turns run.
  const pinger = (async () => {
    while (pinging) {
      const sessions = world.dev.agentcore?.sessions() ?? [];
      if (sessions.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      for (const session of sessions) {
        const answer = await ping(session.url).catch(() => undefined);
        if (answer) (answer.status === "HealthyBusy" ? busy : idle).push(answer.ms);
      }
    }
  })();
  try {
    const agentcore = await run(world, messages, chats, 8_200_000);
    pinging = false;
    await pinger;
    return {
      lambda: summarize(lambda),
      agentcore: summarize(agentcore.warm),
      agentcoreCold: summarize(agentcore.cold),
      pingBusy: summarize(busy),
      pingIdle: summarize(idle),
    };
  } finally {
    pinging = false;
    await pinger;
    await world.close();
  }
}

export function agentCoreTurnsLines(figures: AgentCoreTurns): string[] {
  const added = figures.agentcore.p50 - figures.lambda.p50;
  return [
    report("aws dev: update → sendMessage, turns in Lambda", figures.lambda),
    report("aws dev: the same, turns in AgentCore (warm)", figures.agentcore),
    `${"added by the AgentCore hop, p50".padEnd(44)} ${added.toFixed(2)} ms`,
    report("AgentCore: a chat's first turn (cold session)", figures.agentcoreCold),
    report("runtime /ping while a turn runs (HealthyBusy)", figures.pingBusy),
    report("runtime /ping between turns (Healthy)", figures.pingIdle),
  ];
}

if (import.meta.main) {
  const messages = Number(process.argv[2] ?? 40);
  for (const line of agentCoreTurnsLines(await benchAgentCoreTurns({ messages }))) {
    process.stdout.write(`${line}\n`);
  }
}
