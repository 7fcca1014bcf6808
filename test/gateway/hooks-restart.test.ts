// A hook job accepted before a gateway restart is still known afterwards: GET /hooks/agent/:id says
// "pending" until its outcome is stored, because the accepted ids live in the Values port, not in memory.
import { describe, expect, it } from "vitest";
import { createHooks } from "../../src/gateway/hooks.ts";
import { createGate } from "../fakes/model-script.ts";
import { useGatewayWorld } from "./gateway-world.ts";

const world = useGatewayWorld(() => [createHooks()]);

const post = (body: unknown) => world.call("/hooks/agent", { method: "POST", body: JSON.stringify(body) });

describe("GET /hooks/agent/:jobId across a restart", () => {
  it("answers pending for a job queued before the restart, then its outcome", async () => {
    const [first, second] = [createGate(), createGate()];
    world.fake.script([
      { text: "first done", hold: { after: 0, gate: first } },
      { text: "second done", hold: { after: 0, gate: second } },
    ]);
    // One session: the second job waits behind the first and is still queued when the gateway stops.
    const sessionKey = "agent:main:hook:restart";
    const a = await (await post({ message: "first", sessionKey })).json();
    await first.reached;
    const b = await (await post({ message: "second", sessionKey })).json();
    const restarted = world.restart();
    first.release();
    await restarted;
    await second.reached;
    const pending = await world.call(`/hooks/agent/${b.jobId}`);
    expect([pending.status, await pending.json()]).toEqual([202, { jobId: b.jobId, status: "pending" }]);
    second.release();
    await expect
      .poll(async () => (await world.call(`/hooks/agent/${b.jobId}`)).json())
      .toMatchObject({ jobId: b.jobId, status: "done", reply: "second done" });
    expect(await (await world.call(`/hooks/agent/${a.jobId}`)).json()).toMatchObject({ reply: "first done" });
    expect(world.fake.requests.map((r) => r.lastUserText)).toEqual(["first", "second"]);
  });
});
