// A gateway with the Telegram channel on, in a test's temporary home, against the fake Bot API and a
// fake model: the start the Telegram end-to-end tests share (Ada, id 1001, is allowed by default).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram-bot-api.ts";

/** The fake's default sender. */
export const ADA = 1001;

export interface TelegramWorld {
  home: string;
  model: FakeModelServer;
  telegram: TelegramFake;
}

export interface TelegramTestWorld extends TelegramWorld {
  /** The gateway the test started, if any: closed after the test. */
  gateway: RunningGateway | undefined;
}

/** A fresh home (`prefix` names it), fake model and fake Bot API for each test of a file; closed after it. */
export function useTelegramWorld(prefix: string): TelegramTestWorld {
  const world = { gateway: undefined } as TelegramTestWorld;
  beforeEach(async () => {
    world.home = await mkdtemp(join(tmpdir(), prefix));
    world.model = await startOpenAIChatFake();
    world.telegram = await startTelegramFake();
  });
  afterEach(async () => {
    await world.gateway?.close();
    world.gateway = undefined;
    await world.telegram.close();
    await world.model.close();
    await rm(world.home, { recursive: true, force: true });
  });
  return world;
}

/**
 * Writes config.json (`channel` over channels.telegram's test defaults, `rest` beside it) and starts
 * the gateway on a free port.
 */
export async function startTelegramGateway(
  world: TelegramWorld,
  channel: Record<string, unknown> = {},
  rest: Record<string, unknown> = {},
): Promise<RunningGateway> {
  const { home, model, telegram } = world;
  await writeFile(
    join(home, "config.json"),
    JSON.stringify({
      channels: { telegram: { allowFrom: [String(ADA)], streaming: false, ...channel } },
      ...rest,
    }),
  );
  return startGateway({
    env: {
      AGENT_CLAW_HOME: home,
      AGENT_CLAW_MODEL: "openai-compatible/fake",
      OPENAI_COMPATIBLE_BASE_URL: model.url,
      AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      TZ: "UTC",
    },
    port: 0,
    retryDelayMs: 0,
    write: () => {},
  });
}
