// What `agent-claw gateway` prints when it is ready, run as a service runs it (no terminal): the bot
// that answers on Telegram, and the full path of the file holding the access token.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTelegramFake } from "../fakes/telegram-bot-api.ts";
import { startCli, useCliWorld } from "./run-cli.ts";

const world = useCliWorld();

/** Starts the gateway, waits for its banner, stops it with SIGTERM; resolves with what it printed. */
async function banner(env: NodeJS.ProcessEnv): Promise<string> {
  const run = startCli(["gateway", "--port", "0"], env);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    run.child.stdout?.on("data", (d: string) => {
      out += d;
      if (/Token: .*\n/.test(out)) resolve();
    });
    void run.done.then((r) => reject(new Error(`gateway exited early (${r.code}): ${r.stderr}`)));
  });
  run.child.kill("SIGTERM");
  await run.done;
  return out;
}

describe("the gateway's start banner", () => {
  it("names the Telegram bot and the token file's full path", async () => {
    const telegram = await startTelegramFake();
    try {
      const out = await banner({
        ...world.env,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.url,
      });
      expect(out).toContain(`Telegram:  @${telegram.botInfo.username}, long polling\n`);
      expect(out).toContain(`Token:     in ${join(world.env.AGENT_CLAW_HOME!, "gateway.token")}\n`);
      // Without a terminal the link carries no token: a service's stdout ends up in its logs.
      expect(out).not.toContain("#token=");
    } finally {
      await telegram.close();
    }
  });

  it("names the config file by its full path when the token is set there", async () => {
    const configFile = join(world.env.AGENT_CLAW_HOME!, "config.json");
    await mkdir(world.env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(configFile, JSON.stringify({ gateway: { token: "a-token-from-config-0123456789" } }));
    const out = await banner(world.env);
    expect(out).toContain(`Token:     from gateway.token in ${configFile}\n`);
    expect(out).not.toContain("a-token-from-config");
  });

  it("says why Telegram is off when no bot is set", async () => {
    const out = await banner(world.env);
    expect(out).toContain(
      "Telegram:  off: no bot token: set TELEGRAM_BOT_TOKEN or channels.telegram.botToken\n",
    );
  });
});
