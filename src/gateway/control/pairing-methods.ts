// pairing.list, pairing.approve, pairing.deny, pairing.allowed, pairing.revoke: who may talk to the
// assistant, the same operations as `agent-claw pairing`.
import { z } from "zod";
import { approvalNotice } from "../pairing-notice.ts";
import { ControlError } from "./frames.ts";
import { type MethodTable, method } from "./methods.ts";

const channel = z
  .string({ error: 'expected a channel id such as "telegram"' })
  .trim()
  .min(1, 'expected a channel id such as "telegram"')
  .max(100, "a channel id has at most 100 characters")
  .transform((id) => id.toLowerCase());
const code = z
  .string({ error: "expected the pairing code the sender was given" })
  .min(1, "expected the pairing code the sender was given")
  .max(64, "a pairing code has at most 64 characters");
const senderId = z
  .string({ error: "expected a sender id, as pairing.allowed lists it" })
  .trim()
  .min(1, "expected a sender id, as pairing.allowed lists it")
  .max(200, "a sender id has at most 200 characters");

const filter = z.object({ channel: channel.optional() }).strict();
const codeParams = z.object({ channel, code }).strict();

const unknownCode = (name: string, params: { channel: string; code: string }) =>
  new ControlError(
    "invalid_params",
    `${name}: there is no pending request with code "${params.code}" on ${params.channel}; it may have ` +
      "expired (codes last an hour) or been handled already. pairing.list shows the pending ones.",
  );

export const pairingMethods: MethodTable = {
  "pairing.list": method(filter, async (params, { gateway }) => ({
    requests: await gateway.assistant.ports.pairings.list(params.channel),
  })),

  "pairing.approve": method(
    codeParams,
    async (params, { gateway }) => {
      const { pairings, outbox, clock } = gateway.assistant.ports;
      const request = await pairings.approve(params.channel, params.code);
      if (!request) throw unknownCode("pairing.approve", params);
      gateway.logs.log(
        "info",
        `pairing: ${request.senderId} approved on ${request.channel} from the control protocol`,
      );
      // Stored before it is sent: a channel outage delays the "You're approved" but does not lose it.
      const notice = approvalNotice(request, clock.now());
      if (notice) gateway.gatewayChannels.get(request.channel)?.deliverStored(await outbox.put(notice));
      return { approved: request, told: notice !== undefined };
    },
    { refuseWhileDraining: true },
  ),

  "pairing.deny": method(
    codeParams,
    async (params, { gateway }) => {
      const request = await gateway.assistant.ports.pairings.deny(params.channel, params.code);
      if (!request) throw unknownCode("pairing.deny", params);
      gateway.logs.log(
        "info",
        `pairing: ${request.senderId} denied on ${request.channel} from the control protocol`,
      );
      return { denied: request };
    },
    { refuseWhileDraining: true },
  ),

  "pairing.allowed": method(filter, async (params, { gateway }) => ({
    senders: await gateway.assistant.ports.pairings.allowed(params.channel),
  })),

  "pairing.revoke": method(
    z.object({ channel, senderId }).strict(),
    async (params, { gateway }) => {
      if (!(await gateway.assistant.ports.pairings.revoke(params.channel, params.senderId))) {
        throw new ControlError(
          "invalid_params",
          `pairing.revoke: ${params.senderId} is not approved on ${params.channel}; pairing.allowed shows who is.`,
        );
      }
      gateway.logs.log(
        "info",
        `pairing: ${params.senderId} revoked on ${params.channel} from the control protocol`,
      );
      return { revoked: true };
    },
    { refuseWhileDraining: true },
  ),
};
