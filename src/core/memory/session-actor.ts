// Whose words a turn holds, worked out from its session key alone: for turns memory finds in a transcript
// without having seen them recorded (a rebuild with `memory index`, a row lost in a crash). The key says
// the audience of groups and of per-peer direct chats; memory must never file those under the owner, whose
// searches would then show them, so a key that says too little gets an actor nobody searches as.
import { senderKey } from "../intake/trust.ts";

/**
 * "owner" for the owner's sessions (main, hooks, cron, named ones); "<channel>:group:<id>" for a group;
 * "<channel>:<peer>" for a direct chat kept per channel and peer; "session:<key>" for a direct chat kept
 * per peer without its channel (nobody's search finds it: hidden rather than shown to the wrong person).
 */
export function actorOfSessionKey(sessionKey: string): string {
  const parts = sessionKey.split(":");
  // agent:<id>:<channel>[@account]:group:<chat>[:topic:<thread>]
  const group = parts.indexOf("group");
  if (group === 3 && parts[4]) return `${channelOf(parts[2]!)}:group:${parts[4]}`;
  // agent:<id>:<channel>[@account]:dm:<peer> (per-channel-peer)
  if (parts[3] === "dm" && parts[4]) return senderKey(channelOf(parts[2]!), parts.slice(4).join(":"));
  // agent:<id>:dm:<peer> (per-peer: the channel is not in the key)
  if (parts[2] === "dm") return `session:${sessionKey}`;
  return "owner";
}

/** A key's channel segment without its account ("telegram@work" → "telegram"), as actors name it. */
const channelOf = (segment: string) => segment.split("@")[0]!;
