// The pairing commands as the owner sees them, on a temp AGENT_CLAW_HOME with a fake clock: listing,
// approving and denying codes (also expired ones), approvals, revoking, and the help text.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLocalAssistant } from "../../engines/local/assistant.ts";
import { PAIRING_TTL_MS } from "../../ports/pairings.ts";
import { createFakeClock, type FakeClock } from "../../util/fake-clock.ts";
import { pairingCommands, registerPairing } from "./pairing.ts";

let root: string;
let env: NodeJS.ProcessEnv;
let clock: FakeClock;
let output: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ac-pairing-cli-"));
  env = { HOME: root, AGENT_CLAW_HOME: join(root, ".agent-claw") };
  clock = createFakeClock();
  output = "";
});
afterEach(() => rm(root, { recursive: true, force: true }));

const cli = () =>
  pairingCommands({
    env,
    clock,
    out: (text) => {
      output += text;
    },
  });

/** A sender messaging the bot: what the gateway's intake does with an unknown sender. */
async function ask(channel: string, senderId: string, name?: string): Promise<string> {
  const assistant = await openLocalAssistant({ env, clock });
  try {
    return (await assistant.ports.pairings.request(channel, senderId, name))!.code;
  } finally {
    await assistant.close();
  }
}

describe("agent-claw pairing", () => {
  it("lists pending requests with who asked and when the code expires", async () => {
    await cli().list(undefined, {});
    expect(output).toBe("No pending pairing requests.\n");
    const code = await ask("telegram", "111", "Ada");
    await clock.advance(3 * 60_000);
    output = "";
    await cli().list(undefined, {});
    expect(output).toContain(`telegram  ${code}  Ada (111)  asked 3m ago, expires in 57m`);
    expect(output).toContain("agent-claw pairing approve <channel> <code>");
    output = "";
    await cli().list("slack", {});
    expect(output).toBe("No pending pairing requests.\n");
    output = "";
    await cli().list(undefined, { json: true });
    expect(JSON.parse(output)).toEqual([
      expect.objectContaining({ channel: "telegram", code, senderId: "111" }),
    ]);
  });

  it("shows a name that carries line breaks or escape sequences on one line, without them", async () => {
    const code = await ask("telegram", "666", "Eve\ntelegram  ZZZZ2222  Ada (111)\u001b[2K\u001b[31m");
    await cli().list(undefined, {});
    expect(output.split("\n")[0]).toBe(
      `telegram  ${code}  Eve telegram  ZZZZ2222  Ada (111)[2K[31m (666)  asked 0s ago, expires in 60m`,
    );
    output = "";
    await cli().approve("telegram", code);
    await cli().allowed(undefined, {});
    expect(output).not.toMatch(/\u001b/);
    // The approval, what the sender will be told, and the one allowed sender.
    expect(output.trimEnd().split("\n")).toHaveLength(3);
  });

  it("approves a code typed in any case, after which the sender is listed as allowed", async () => {
    const code = await ask("telegram", "111", "Ada");
    await cli().approve("Telegram", code.toLowerCase());
    expect(output).toBe(
      "Approved Ada (111) on telegram: they can talk to the assistant now.\n" +
        "They will be told that they are approved when the gateway next connects to the channel.\n",
    );
    output = "";
    await cli().list(undefined, {});
    expect(output).toBe("No pending pairing requests.\n");
    output = "";
    await clock.advance(2 * 3600_000);
    await cli().allowed(undefined, {});
    expect(output).toBe("telegram  Ada (111)  approved 2h ago\n");
    output = "";
    await cli().allowed(undefined, { json: true });
    expect(JSON.parse(output)).toEqual([
      { channel: "telegram", senderId: "111", senderName: "Ada", approvedAt: clock.now() - 2 * 3600_000 },
    ]);
  });

  it("refuses an unknown or expired code, saying it may have expired and how to list", async () => {
    const code = await ask("telegram", "111");
    await clock.advance(PAIRING_TTL_MS);
    await expect(cli().approve("telegram", code)).rejects.toThrow(
      `No pending request with code "${code}" on telegram. It may have expired (codes last an hour)`,
    );
    await expect(cli().deny("telegram", "NOPE2345")).rejects.toThrow("agent-claw pairing list");
  });

  it("denies a request", async () => {
    const code = await ask("telegram", "111");
    await cli().deny("telegram", code);
    expect(output).toBe("Denied 111 on telegram. They get a new code if they write again.\n");
    output = "";
    await cli().allowed(undefined, {});
    expect(output).toContain("Nobody is approved by pairing yet.");
  });

  it("revokes an approval, and says when allowFrom still lets the sender in", async () => {
    await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(
      join(env.AGENT_CLAW_HOME!, "config.json"),
      JSON.stringify({ channels: { telegram: { allowFrom: ["222"] } } }),
    );
    await cli().approve("telegram", await ask("telegram", "111"));
    await cli().approve("telegram", await ask("telegram", "222"));
    output = "";
    await cli().revoke("telegram", "111");
    expect(output).toBe("Revoked 111 on telegram: their next message gets a pairing code again.\n");
    output = "";
    await cli().revoke("telegram", "222");
    expect(output).toContain("222 is also in channels.telegram.allowFrom in config.json");
    await expect(cli().revoke("telegram", "111")).rejects.toThrow(
      "111 is not approved on telegram; see `agent-claw pairing allowed`",
    );
  });

  it("warns on approve when the channel's dmPolicy ignores pairings", async () => {
    await mkdir(env.AGENT_CLAW_HOME!, { recursive: true });
    await writeFile(
      join(env.AGENT_CLAW_HOME!, "config.json"),
      JSON.stringify({ channels: { telegram: { dmPolicy: "allowlist" } } }),
    );
    await cli().approve("telegram", await ask("telegram", "111"));
    expect(output).toContain('channels.telegram.dmPolicy is "allowlist"');
  });

  it("has help for the group and each subcommand", () => {
    const program = new Command("agent-claw");
    registerPairing(program, { env, out: () => {} });
    const pairing = program.commands.find((c) => c.name() === "pairing")!;
    expect(pairing.commands.map((c) => c.name())).toEqual(["list", "approve", "deny", "allowed", "revoke"]);
    for (const sub of pairing.commands) expect(sub.description()).not.toBe("");
    const approve = pairing.commands.find((c) => c.name() === "approve")!;
    expect(approve.helpInformation()).toContain(
      "Usage: agent-claw pairing approve [options] <channel> <code>",
    );
  });
});
