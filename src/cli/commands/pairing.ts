// `agent-claw pairing list|approve|deny|allowed|revoke`: the owner decides who may talk to the assistant
// (unknown senders in direct messages get a code; approving it lets them in).
import type { Command } from "commander";
import type { Config } from "../../config/schema.ts";
import type { PairingRequest } from "../../ports/pairings.ts";
import { stripControlChars } from "../../util/control-chars.ts";
import { action, ago, UsageError } from "../io.ts";
import { type LocalCommandDeps, localCommandKit } from "../local-command.ts";
import { callRunningGateway } from "../gateway-call.ts";
import type { LocalAssistant } from "../../engines/local/assistant.ts";
import { approvalNotice } from "../../gateway/pairing-notice.ts";

export type PairingDeps = LocalCommandDeps;

interface JsonFlag {
  json?: boolean;
}

/** "in 57m", "in 30s": how long until `then`. */
function inTime(then: number, now: number): string {
  const s = Math.max(0, Math.ceil((then - now) / 1000));
  return s < 60 ? `in ${s}s` : `in ${Math.ceil(s / 60)}m`;
}

/** Names come from the senders themselves: no line breaks or escape sequences reach the terminal. */
const who = (r: { senderId: string; senderName?: string }) =>
  stripControlChars(r.senderName ? `${r.senderName} (${r.senderId})` : r.senderId);

/** A channel's access settings, when the config has a section for it (channels.telegram). */
function channelConfig(
  config: Config,
  channel: string,
): { dmPolicy?: string; allowFrom?: string[] } | undefined {
  return (config.channels as Record<string, { dmPolicy?: string; allowFrom?: string[] } | undefined>)[
    channel
  ];
}

function unknownCode(channel: string, code: string): UsageError {
  return new UsageError(
    `No pending request with code "${code}" on ${channel}. It may have expired (codes last an hour) or been ` +
      "handled already; see `agent-claw pairing list` for the pending ones.",
  );
}

/** The pairing commands as functions resolving to an exit code. */
export function pairingCommands(deps: PairingDeps) {
  const { print, json, open } = localCommandKit(deps);
  const channelArg = (channel: string) => channel.trim().toLowerCase();

  /**
   * A running gateway approves (and tells the sender at once, through its outbox); without one the
   * approval and the stored "You're approved" go into the state, and the gateway sends it when it starts.
   */
  async function approve(assistant: LocalAssistant, channel: string, code: string) {
    const answer = await callRunningGateway(assistant, deps.env, "pairing.approve", { channel, code });
    if (answer?.ok) {
      const { approved, told } = answer.payload as { approved: PairingRequest; told?: boolean };
      return { request: approved, told: told ? ("now" as const) : undefined };
    }
    if (answer && answer.error.code === "invalid_params") throw unknownCode(channel, code);
    const request = await assistant.ports.pairings.approve(channel, code);
    if (!request) throw unknownCode(channel, code);
    const notice = approvalNotice(request, assistant.ports.clock.now());
    if (notice) await assistant.ports.outbox.put(notice);
    return { request, told: notice ? ("later" as const) : undefined };
  }

  return {
    list: (channel: string | undefined, flags: JsonFlag) =>
      open(async ({ ports }) => {
        const requests = await ports.pairings.list(channel === undefined ? undefined : channelArg(channel));
        if (flags.json) return void json(requests);
        if (requests.length === 0) return void print(["No pending pairing requests."]);
        const now = ports.clock.now();
        const width = Math.max(...requests.map((r) => r.channel.length));
        print([
          ...requests.map(
            (r) =>
              `${r.channel.padEnd(width)}  ${r.code}  ${who(r)}  asked ${ago(r.createdAt, now)}, expires ${inTime(r.expiresAt, now)}`,
          ),
          "",
          "Approve one with `agent-claw pairing approve <channel> <code>`, or deny it with `agent-claw pairing deny <channel> <code>`.",
        ]);
      }),

    approve: (channel: string, code: string) =>
      open(async (assistant) => {
        const { config } = assistant;
        const { request, told } = await approve(assistant, channelArg(channel), code);
        const lines = [`Approved ${who(request)} on ${request.channel}: they can talk to the assistant now.`];
        if (told === "now") lines.push("They were told on the channel that they are approved.");
        if (told === "later")
          lines.push(
            "They will be told that they are approved when the gateway next connects to the channel.",
          );
        const policy = channelConfig(config, request.channel)?.dmPolicy;
        if (policy !== undefined && policy !== "pairing") {
          lines.push(
            `Note: channels.${request.channel}.dmPolicy is "${policy}", so approvals do not count until it is "pairing".`,
          );
        }
        print(lines);
      }),

    deny: (channel: string, code: string) =>
      open(async ({ ports }) => {
        const request: PairingRequest | null = await ports.pairings.deny(channelArg(channel), code);
        if (!request) throw unknownCode(channelArg(channel), code);
        print([`Denied ${who(request)} on ${request.channel}. They get a new code if they write again.`]);
      }),

    allowed: (channel: string | undefined, flags: JsonFlag) =>
      open(async ({ ports }) => {
        const senders = await ports.pairings.allowed(channel === undefined ? undefined : channelArg(channel));
        if (flags.json) return void json(senders);
        if (senders.length === 0) {
          return void print([
            "Nobody is approved by pairing yet. (Senders in a channel's allowFrom in config.json are allowed too.)",
          ]);
        }
        const now = ports.clock.now();
        const width = Math.max(...senders.map((s) => s.channel.length));
        print(
          senders.map((s) => `${s.channel.padEnd(width)}  ${who(s)}  approved ${ago(s.approvedAt, now)}`),
        );
      }),

    revoke: (channel: string, senderId: string) =>
      open(async ({ ports, config }) => {
        const id = channelArg(channel);
        const sender = senderId.trim();
        if (!(await ports.pairings.revoke(id, sender))) {
          throw new UsageError(
            `${sender} is not approved on ${id}; see \`agent-claw pairing allowed\` for who is.`,
          );
        }
        const lines = [`Revoked ${sender} on ${id}: their next message gets a pairing code again.`];
        if (channelConfig(config, id)?.allowFrom?.includes(sender)) {
          lines.push(
            `Note: ${sender} is also in channels.${id}.allowFrom in config.json, which still lets them in.`,
          );
        }
        print(lines);
      }),
  };
}

export function registerPairing(program: Command, deps?: Partial<PairingDeps>): void {
  const commands = () =>
    pairingCommands({ env: process.env, out: (text) => process.stdout.write(text), ...deps });

  const pairing = program
    .command("pairing")
    .description("Approve or deny people who message the assistant, and see who is allowed")
    .addHelpText(
      "after",
      '\nWith dmPolicy "pairing" (the default), someone the assistant does not know gets an 8-character\ncode when they message it. Approve the code here to let them in; it is valid for an hour, and at\nmost 3 requests per channel wait at a time.\n\nExample:\n  agent-claw pairing list\n  agent-claw pairing approve telegram ABCD2345',
    );

  pairing
    .command("list")
    .description("List pending requests, oldest first")
    .argument("[channel]", 'only this channel, e.g. "telegram"')
    .option("--json", "print JSON")
    .action(action((channel: string | undefined, flags: JsonFlag) => commands().list(channel, flags)));

  pairing
    .command("approve")
    .description("Let the sender of a pending request talk to the assistant")
    .argument("<channel>", 'the channel the request came from, e.g. "telegram"')
    .argument("<code>", "the code the sender was given (any case)")
    .action(action((channel: string, code: string) => commands().approve(channel, code)));

  pairing
    .command("deny")
    .description("Remove a pending request (the sender may ask again later)")
    .argument("<channel>", 'the channel the request came from, e.g. "telegram"')
    .argument("<code>", "the code the sender was given (any case)")
    .action(action((channel: string, code: string) => commands().deny(channel, code)));

  pairing
    .command("allowed")
    .description("List the senders approved by pairing")
    .argument("[channel]", 'only this channel, e.g. "telegram"')
    .option("--json", "print JSON")
    .action(action((channel: string | undefined, flags: JsonFlag) => commands().allowed(channel, flags)));

  pairing
    .command("revoke")
    .description("Stop letting an approved sender talk to the assistant")
    .argument("<channel>", 'the channel, e.g. "telegram"')
    .argument("<senderId>", "the sender's id, as `agent-claw pairing allowed` shows it")
    .action(action((channel: string, senderId: string) => commands().revoke(channel, senderId)));
}
