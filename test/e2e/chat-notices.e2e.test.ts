// `agent-claw chat` beside a running gateway: a reminder the gateway's heartbeat relays in the main
// session is printed in the terminal chat as it happens, as a marker and the assistant's message.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startGateway } from "../../src/gateway/server.ts";
import { BIN, useCliWorld } from "./run-cli.ts";
import { freePort } from "../free-port.ts";

const world = useCliWorld();
const TOKEN = "chat-notices-token-0123456789";

describe("agent-claw chat beside a gateway", () => {
  it("prints a reminder relayed in its session while it runs", async () => {
    const env: NodeJS.ProcessEnv = { ...world.env, AGENT_CLAW_GATEWAY_TOKEN: TOKEN };
    const port = await freePort();
    await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(join(env.AGENT_CLAW_HOME!, "config.json"), JSON.stringify({ gateway: { port } }));
    const gateway = await startGateway({ env, port, write: () => {} });
    onTestFinished(() => gateway.close());

    // stdin stays open: the chat runs until it ends.
    const chat = spawn(process.execPath, [BIN, "chat"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    chat.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => chat.on("close", resolve));
    onTestFinished(() => void chat.kill());
    const followed = () => gateway.ctx.logs.tail().some((l) => l.message.includes("agent-claw chat"));
    await expect.poll(followed, { timeout: 15_000 }).toBe(true);

    world.fake.script([{ text: "Time to stretch your legs!" }]);
    const owner = { kind: "owner" } as const;
    const job = await gateway.ctx.assistant.cron.add(
      { name: "stretch", at: "in 1h", systemEvent: "Stretch" },
      owner,
    );
    await gateway.ctx.assistant.cron.runNow(job.id, owner);
    await expect.poll(() => stdout, { timeout: 15_000 }).toContain("Time to stretch your legs!");
    expect(stdout).toContain('[reminder] Scheduled job "stretch": Stretch\nTime to stretch your legs!\n');
    expect(stdout).not.toContain("This is not the user writing");

    chat.stdin.end();
    expect(await exited).toBe(0);
  });
});
