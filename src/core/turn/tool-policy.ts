// Which tools a turn may use, from who wrote its messages and in what kind of chat: the owner in a
// direct chat gets every tool; everyone else gets what config tools.policy gives them. A turn holding
// several people's messages gets only the tools all of them may use.
import type { ChatKind } from "../messages.ts";
import type { TurnTrust } from "../intake/trust.ts";

/** A named profile or a list of tool names. */
export type ToolSet = "all" | "standard" | "chat" | "none" | readonly string[];

/** config tools.policy. */
export interface ToolPolicyConfig {
  /** Approved senders (not the owner) in direct chats. */
  approved: ToolSet;
  /** Everyone in group chats, the owner included. */
  group: ToolSet;
  /** Senders nobody approved, in direct chats (dmPolicy "open"). */
  stranger: ToolSet;
  /** Per sender ("telegram:1001"), wherever they write; wins over the keys above. */
  senders: Readonly<Record<string, ToolSet>>;
}

export const TOOL_PROFILES = {
  /**
   * Talk, look things up, read the shared files: nothing that writes, runs, schedules or sends files.
   * Memory searches only what the person (or group) said and the notes that are not the owner's.
   */
  chat: ["read", "list", "web_fetch", "memory_search", "memory_get"],
  /** Everything but running commands. */
  standard: [
    "read",
    "write",
    "edit",
    "list",
    "send_file",
    "cron",
    "web_fetch",
    "memory_search",
    "memory_get",
  ],
} as const;

export const DEFAULT_TOOL_POLICY: ToolPolicyConfig = {
  approved: "standard",
  group: "chat",
  stranger: "chat",
  senders: {},
};

/** The policy one message falls under, and the config key that sets it (for /status). */
export function policyFor(
  trust: TurnTrust,
  chatKind: ChatKind,
  policy: ToolPolicyConfig,
): { set: ToolSet; key: string } {
  const bySender = trust.sender !== undefined ? policy.senders[trust.sender] : undefined;
  if (bySender !== undefined) return { set: bySender, key: `tools.policy.senders["${trust.sender}"]` };
  if (chatKind === "group") return { set: policy.group, key: "tools.policy.group" };
  if (trust.level === "owner") return { set: "all", key: "owner" };
  if (trust.level === "approved") return { set: policy.approved, key: "tools.policy.approved" };
  return { set: policy.stranger, key: "tools.policy.stranger" };
}

function allows(set: ToolSet, name: string): boolean {
  if (set === "all") return true;
  if (set === "none") return false;
  const names: readonly string[] = typeof set === "string" ? TOOL_PROFILES[set] : set;
  return names.includes(name);
}

/** The tools of `tools` that every message's policy allows. */
export function toolsAllowed<T extends { name: string }>(
  tools: readonly T[],
  trusts: readonly TurnTrust[],
  chatKind: ChatKind,
  policy: ToolPolicyConfig,
): T[] {
  const sets = trusts.map((trust) => policyFor(trust, chatKind, policy).set);
  return tools.filter((tool) => sets.every((set) => allows(set, tool.name)));
}
