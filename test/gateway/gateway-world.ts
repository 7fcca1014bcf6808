// A gateway started in-process per test, in a temporary home, against a fake OpenAI-compatible model;
// restartable on the same home, so tests can check what survives a restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { RouteModule } from "../../src/gateway/app.ts";
import { type RunningGateway, startGateway } from "../../src/gateway/server.ts";
import type { FakeModelServer } from "../fakes/fake-model-server.ts";
import { startOpenAIChatFake } from "../fakes/openai-chat-server.ts";

export const TOKEN = "test-token-0123456789";

export interface GatewayWorld {
  fake: FakeModelServer;
  home: string;
  gateway: RunningGateway;
  /** Closes the gateway (if running) and starts it again on the same home. */
  restart(modules?: RouteModule[]): Promise<RunningGateway>;
  /** fetch against the gateway with the token (unless headers say otherwise). */
  call(path: string, init?: RequestInit): Promise<Response>;
}

/** Registers beforeEach/afterEach hooks that give each test a fresh world. */
export function useGatewayWorld(modules?: () => RouteModule[]): GatewayWorld {
  const world = {} as GatewayWorld;
  let running: RunningGateway | undefined;
  const start = async (mods = modules?.()) => {
    running = await startGateway({
      env: {
        AGENT_CLAW_HOME: world.home,
        AGENT_CLAW_MODEL: "openai-compatible/fake",
        OPENAI_COMPATIBLE_BASE_URL: world.fake.url,
        AGENT_CLAW_GATEWAY_TOKEN: TOKEN,
        TZ: "UTC",
      },
      port: 0,
      retryDelayMs: 0,
      write: () => {},
      ...(mods && { modules: mods }),
    });
    world.gateway = running;
    return running;
  };
  world.restart = async (mods) => {
    await running?.close();
    running = undefined;
    return start(mods);
  };
  world.call = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${TOKEN}`);
    if (init.body !== undefined && !headers.has("content-type"))
      headers.set("content-type", "application/json");
    return fetch(`${world.gateway.url}${path}`, { ...init, headers });
  };
  beforeEach(async () => {
    world.home = await mkdtemp(join(tmpdir(), "ac-gw-"));
    world.fake = await startOpenAIChatFake();
    await start();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await world.fake.close();
    await rm(world.home, { recursive: true, force: true });
  });
  return world;
}
