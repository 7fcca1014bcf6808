// A CLI command beside a running gateway that takes the connection but never answers: the command
// ends with a clear error after its timeout instead of hanging (and does not do the work itself).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import { configSchema } from "../config/schema.ts";
import { resolvePaths } from "../config/paths.ts";
import { publishGatewayAddress } from "../gateway/gateway-address.ts";
import { takePidLock } from "../gateway/pid-lock.ts";
import { callRunningGateway } from "./gateway-call.ts";

let home: string;
let silent: WebSocketServer;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ac-gateway-call-"));
  silent = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => silent.once("listening", resolve));
});

afterEach(async () => {
  vi.useRealTimers();
  await new Promise((resolve) => silent.close(resolve));
  await rm(home, { recursive: true, force: true });
});

it("gives up on a gateway that does not answer, naming it and what to do", async () => {
  // This process plays the running gateway: it holds the lock and published the silent server's port.
  const lock = await takePidLock(home);
  const { port } = silent.address() as { port: number };
  await publishGatewayAddress(home, { port, bind: "127.0.0.1" });
  const connected = new Promise((resolve) => silent.once("connection", resolve));

  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const env = { AGENT_CLAW_HOME: home, AGENT_CLAW_GATEWAY_TOKEN: "test-token-0123456789" };
  const assistant = { config: configSchema.parse({}), paths: resolvePaths(env) };
  const call = callRunningGateway(assistant, env, "pairing.approve", {
    channel: "telegram",
    code: "ABCD2345",
  });
  const outcome = call.then(
    () => "answered",
    (error: Error) => error.message,
  );
  await connected;
  await vi.advanceTimersByTimeAsync(9_999);
  expect(await Promise.race([outcome, Promise.resolve("waiting")])).toBe("waiting");
  await vi.advanceTimersByTimeAsync(1);
  expect(await outcome).toBe(
    `The gateway running on ${home} did not answer within 10 s. ` +
      "Look at its log (`agent-claw daemon logs` when it runs as a service) or restart it, then try again.",
  );
  await lock.release();
});
