// The pairing methods over a real control connection: list, approve, deny, allowed and revoke, and
// the errors a client gets for unknown codes, senders and bad params.
import { afterEach, describe, expect, it } from "vitest";
import { type ControlWorld, startControlWorld } from "../../../test/gateway/control-harness.ts";

let world: ControlWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ok = (payload: unknown) => ({ ok: true, payload });
const refused = (message: RegExp) => ({
  ok: false,
  error: { code: "invalid_params", message: expect.stringMatching(message) },
});

describe("pairing methods", () => {
  it("list, approve, deny, allowed and revoke, as the CLI does", async () => {
    world = await startControlWorld();
    const c = await world.client();
    const pairings = world.gateway.ctx.assistant.ports.pairings;
    const ada = (await pairings.request("telegram", "111", "Ada"))!.code;
    const bob = (await pairings.request("telegram", "222"))!.code;

    expect(await c.request("pairing.list", {})).toMatchObject(
      ok({
        requests: [{ channel: "telegram", code: ada, senderId: "111", senderName: "Ada" }, { code: bob }],
      }),
    );
    expect(await c.request("pairing.list", { channel: "slack" })).toEqual(
      expect.objectContaining(ok({ requests: [] })),
    );

    expect(
      await c.request("pairing.approve", { channel: "Telegram", code: ada.toLowerCase() }),
    ).toMatchObject(ok({ approved: { channel: "telegram", code: ada, senderId: "111" } }));
    expect(await c.request("pairing.deny", { channel: "telegram", code: bob })).toMatchObject(
      ok({ denied: { code: bob, senderId: "222" } }),
    );
    expect(await c.request("pairing.list")).toMatchObject(ok({ requests: [] }));
    expect(await c.request("pairing.allowed", {})).toMatchObject(
      ok({
        senders: [
          { channel: "telegram", senderId: "111", senderName: "Ada", approvedAt: expect.any(Number) },
        ],
      }),
    );
    expect(await pairings.isAllowed("telegram", "111")).toBe(true);

    expect(await c.request("pairing.revoke", { channel: "telegram", senderId: "111" })).toMatchObject(
      ok({ revoked: true }),
    );
    expect(await pairings.isAllowed("telegram", "111")).toBe(false);
  });

  it("refuses unknown codes and senders with what to do, and bad params by field", async () => {
    world = await startControlWorld();
    const c = await world.client();
    expect(await c.request("pairing.approve", { channel: "telegram", code: "ABCD2345" })).toMatchObject(
      refused(
        /^pairing\.approve: there is no pending request with code "ABCD2345" on telegram; it may have expired.*pairing\.list/,
      ),
    );
    expect(await c.request("pairing.deny", { channel: "telegram", code: "ABCD2345" })).toMatchObject(
      refused(/^pairing\.deny: there is no pending request/),
    );
    expect(await c.request("pairing.revoke", { channel: "telegram", senderId: "111" })).toMatchObject(
      refused(/111 is not approved on telegram; pairing\.allowed shows who is/),
    );
    expect(await c.request("pairing.approve", { channel: "telegram" })).toMatchObject(
      refused(/params\.code is missing/),
    );
    expect(await c.request("pairing.list", { channel: "" })).toMatchObject(
      refused(/params\.channel: expected a channel id/),
    );
  });
});
