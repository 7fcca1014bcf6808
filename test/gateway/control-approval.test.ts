// exec's approvals in the web chat, over the control protocol: the turn pauses on an `approval` chat
// event until the owner answers once, always (the command joins the allowlist) or deny, or until the
// timeout (on the injected clock) denies it; stale and forged answers are refused.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatEvent } from "../../src/gateway/control/chat-relay.ts";
import type { EventFrame } from "../../src/gateway/control/frames.ts";
import { createFakeClock, type FakeClock } from "../../src/util/fake-clock.ts";
import { type ControlWorld, chatEvent, startControlWorld, type TestClient } from "./control-harness.ts";

let world: ControlWorld;
let clock: FakeClock;

beforeEach(async () => {
  clock = createFakeClock(Date.now());
  world = await startControlWorld({ clock, config: { tools: { exec: { approvalTimeoutSeconds: 30 } } } });
});

afterEach(async () => {
  await world.close();
});

type Approval = Extract<ChatEvent, { state: "approval" }>;

/** The model runs `command` with exec, then answers "done". */
function scriptExec(command: string) {
  world.fake.script([{ toolCalls: [{ name: "exec", input: { command } }] }, { text: "done" }]);
}

/** Sends a message and waits for the approval card of its turn. */
async function sendAndWaitForApproval(client: TestClient, key: string): Promise<Approval> {
  const sent = await client.request("chat.send", { text: "run it", idempotencyKey: key });
  expect(sent.ok).toBe(true);
  return (await client.next(chatEvent("approval", `ws:${key}`))).payload as Approval;
}

const resultOf = async (client: TestClient, key: string) =>
  ((await client.next(chatEvent("approval_result", `ws:${key}`))) as EventFrame).payload as ChatEvent;

/** The exec result the model was given in its second request. */
const toolResult = () => world.fake.requests[1]?.messages.flatMap((m) => m.toolResults)[0]?.output ?? "";

const allowlistOnDisk = async () =>
  (
    JSON.parse(await readFile(join(world.home, "config.json"), "utf8")) as {
      tools: { exec: { allowlist?: string[] } };
    }
  ).tools.exec.allowlist;

describe("exec approval in the web chat", () => {
  it("pauses the turn on an approval card; once runs the command this time only", async () => {
    scriptExec("echo approved-once");
    const client = await world.client();
    const card = await sendAndWaitForApproval(client, "once");
    expect(card).toMatchObject({
      tool: "exec",
      summary: "echo approved-once",
      always: true,
      expiresAt: clock.now() + 30_000,
    });
    // Paused: the model has not been called again while nobody answered.
    expect(world.fake.requests).toHaveLength(1);

    const answer = await client.request("approval.resolve", { id: card.id, decision: "once" });
    expect(answer).toMatchObject({ ok: true, payload: { outcome: "once" } });
    expect(await resultOf(client, "once")).toMatchObject({ id: card.id, outcome: "once" });
    await client.next(chatEvent("final", "ws:once"));
    expect(toolResult()).toContain("approved-once");
    expect(await allowlistOnDisk()).toBeUndefined();

    const again = await client.request("approval.resolve", { id: card.id, decision: "once" });
    expect(again).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(again.ok ? "" : again.error.message).toMatch(/already approved/);
  });

  it("always adds the exact command to tools.exec.allowlist, and the next turn runs it without asking", async () => {
    scriptExec("echo approved-always");
    const client = await world.client();
    const card = await sendAndWaitForApproval(client, "always");
    const answer = await client.request("approval.resolve", { id: card.id, decision: "always" });
    expect(answer).toMatchObject({ ok: true, payload: { outcome: "always" } });
    await client.next(chatEvent("final", "ws:always"));
    expect(toolResult()).toContain("approved-always");
    expect(await allowlistOnDisk()).toEqual(["echo approved-always"]);
    expect(world.gateway.ctx.config().tools.exec.allowlist).toEqual(["echo approved-always"]);

    world.fake.script([
      { toolCalls: [{ name: "exec", input: { command: "echo approved-always" } }] },
      { text: "done again" },
    ]);
    await client.request("chat.send", { text: "again", idempotencyKey: "after" });
    await client.next(chatEvent("final", "ws:after"));
    expect(
      client.events.some(
        (e) => (e.payload as ChatEvent).jobId === "ws:after" && (e.payload as ChatEvent).state === "approval",
      ),
    ).toBe(false);
    expect(world.fake.requests[3]?.messages.flatMap((m) => m.toolResults)[0]?.output).toContain(
      "approved-always",
    );
  });

  it("deny tells the model the command was not approved", async () => {
    scriptExec("echo never-printed");
    const client = await world.client();
    const card = await sendAndWaitForApproval(client, "deny");
    expect(await client.request("approval.resolve", { id: card.id, decision: "deny" })).toMatchObject({
      ok: true,
      payload: { outcome: "denied" },
    });
    await client.next(chatEvent("final", "ws:deny"));
    expect(toolResult()).toMatch(/^The command was not approved; it did not run\./);
    expect(toolResult()).not.toContain("never-printed");
  });

  it("denies when nobody answers before the timeout, and refuses the late answer", async () => {
    scriptExec("echo too-late");
    const client = await world.client();
    const card = await sendAndWaitForApproval(client, "timeout");
    await clock.advance(29_000);
    expect(world.fake.requests).toHaveLength(1);
    await clock.advance(1_000);
    expect(await resultOf(client, "timeout")).toMatchObject({ id: card.id, outcome: "expired" });
    await client.next(chatEvent("final", "ws:timeout"));
    expect(toolResult()).toMatch(/^The command was not approved/);

    const late = await client.request("approval.resolve", { id: card.id, decision: "once" });
    expect(late.ok ? "" : late.error.message).toMatch(/timed out without an answer/);
  });

  it("refuses a forged id and a bad decision with a message saying what to send", async () => {
    const client = await world.client();
    const forged = await client.request("approval.resolve", { id: "not-a-real-id", decision: "once" });
    expect(forged).toMatchObject({ ok: false, error: { code: "invalid_params" } });
    expect(forged.ok ? "" : forged.error.message).toMatch(/no such approval request/);
    const bad = await client.request("approval.resolve", { id: "x", decision: "yes" });
    expect(bad.ok ? "" : bad.error.message).toMatch(/"once", "always" or "deny"/);
  });

  it("denies a waiting command when the gateway stops, so the stop does not wait for an answer", async () => {
    scriptExec("echo never-run");
    const client = await world.client();
    await sendAndWaitForApproval(client, "stop");
    await world.gateway.close();
    expect(toolResult()).toMatch(/^The command was not approved/);
    expect(world.gateway.ctx.approvals.pending()).toEqual([]);
  });

  it("lists the requests still waiting, for a client that connects later", async () => {
    scriptExec("echo listed");
    const client = await world.client();
    const card = await sendAndWaitForApproval(client, "list");
    const later = await world.client();
    expect(await later.request("approval.list", {})).toMatchObject({
      ok: true,
      payload: { approvals: [{ id: card.id, summary: "echo listed", sessionKey: "agent:main:main" }] },
    });
    await later.request("approval.resolve", { id: card.id, decision: "deny" });
    // The client that answered follows the rest of the turn, though it did not send the message.
    await later.next(chatEvent("final", "ws:list"));
    await client.next(chatEvent("final", "ws:list"));
  });
});
