// An agent hook's callback URL may carry its receiver's secret in the path or query (Slack-style
// webhook URLs): failures are reported with the receiver's origin only, never the whole URL.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it, onTestFinished } from "vitest";
import { postHookCallback } from "../../src/core/intake/hook-callback.ts";
import type { OutboxRecord } from "../../src/ports/outbox.ts";
import { createFakeClock } from "../../src/util/fake-clock.ts";

const record: OutboxRecord = {
  key: "hook:agent:1",
  sessionKey: "agent:main:hook:1",
  status: "done",
  reply: "done",
  usage: { inputTokens: 1, outputTokens: 1 },
  createdAt: 0,
};

async function receiver(status: number) {
  const server = createServer((_req, res) => res.writeHead(status).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, url: `${origin}/services/T0/B0/s3cretPath?token=t0ken` };
}

it.each([503, 404])(
  "reports a callback refused with HTTP %i without the URL's path or query",
  async (status) => {
    const { origin, url } = await receiver(status);
    const logs: string[] = [];
    const outbox = { markDelivered: async () => {} };
    const deps = { outbox, clock: createFakeClock(0), log: (_: string, m: string) => logs.push(m) };
    const error = await postHookCallback(record, url, deps).then(
      () => undefined,
      (e: Error) => e.message,
    );
    const said = [error ?? "", ...logs].join("\n");
    expect(said).toContain(`${origin} `);
    expect(said).toContain(`HTTP ${status}`);
    expect(said).not.toMatch(/s3cret|t0ken/);
  },
);
