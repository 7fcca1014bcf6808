// The words of a heartbeat: whether HEARTBEAT.md asks for anything, the prompt, and whether a
// reply is only the "nothing to report" token.
import type { Workspace } from "../../ports/workspace.ts";

export const HEARTBEAT_OK = "HEARTBEAT_OK";

/** HEARTBEAT.md as text, or null when the workspace has none. */
export async function readHeartbeatChecklist(workspace: Pick<Workspace, "read">): Promise<string | null> {
  const bytes = await workspace.read("HEARTBEAT.md");
  return bytes && new TextDecoder().decode(bytes);
}

/**
 * True when HEARTBEAT.md holds something to act on: text other than headings, "#" comments, HTML
 * comments, rules and empty list items. An empty checklist means no model call at all.
 */
export function hasActionableContent(checklist: string | null): boolean {
  if (!checklist) return false;
  const withoutComments = checklist.replace(/<!--[\s\S]*?-->/g, "");
  return withoutComments.split("\n").some((raw) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return false;
    if (/^([-*_])\1{2,}$/.test(line)) return false; // a rule
    return !/^([-*+]|\d+[.)])(\s+\[[ xX]?\])?\s*$/.test(line); // an empty list item or checkbox
  });
}

const NOT_THE_USER = "This is not the user writing.";
const EVENTS_HEADING = "System events since the last heartbeat:";
const CHECKLIST_LINE = "Go through HEARTBEAT.md (in your context) and do what it asks.";
const CLOSING_LINE = `If something needs the user's attention (a system event to relay, a reminder, something the checklist found), write the message for them. Otherwise reply with exactly ${HEARTBEAT_OK}.`;

/** The heartbeat's user message: the time, any system events, and what to answer when all is well. */
export function heartbeatPrompt(options: { now: string; events: string[]; checklist: boolean }): string {
  const lines = [`Heartbeat (${options.now}). ${NOT_THE_USER}`];
  if (options.events.length > 0) {
    lines.push("", EVENTS_HEADING, ...options.events.map((e) => `- ${e}`));
  }
  if (options.checklist) lines.push("", CHECKLIST_LINE);
  lines.push("", CLOSING_LINE);
  return lines.join("\n");
}

/** What to deliver of a heartbeat reply: null when it is only the token (with at most ackMaxChars besides). */
export function heartbeatDelivery(reply: string, ackMaxChars: number): string | null {
  const text = reply.trim();
  // The token as the model may dress it: **HEARTBEAT_OK**, `HEARTBEAT_OK`, HEARTBEAT_OK.
  const token = /[*_`]*HEARTBEAT_OK[*_`]*[.!]?/;
  const atStart = new RegExp(`^${token.source}`).exec(text);
  const atEnd = new RegExp(`${token.source}$`).exec(text);
  if (!atStart && !atEnd) return text === "" ? null : text;
  const rest = (atStart ? text.slice(atStart[0].length) : text.slice(0, atEnd!.index)).trim();
  return rest.length <= ackMaxChars ? null : rest;
}

/**
 * The events a heartbeat prompt relays ([] for a plain beat), or null when `text` is not exactly one
 * heartbeat prompt: a user's message collected into the same turn follows the prompt, and must not
 * be hidden behind a marker.
 */
export function heartbeatPromptEvents(text: string): string[] | null {
  const firstEnd = text.indexOf("\n");
  const first = text.slice(0, firstEnd);
  const bodyEnd = text.length - CLOSING_LINE.length - 2;
  if (!first.startsWith("Heartbeat (") || !first.endsWith(`). ${NOT_THE_USER}`)) return null;
  if (firstEnd < 0 || firstEnd > bodyEnd || !text.endsWith(`\n\n${CLOSING_LINE}`)) return null;
  let body = text.slice(firstEnd, bodyEnd);
  if (body.endsWith(`\n\n${CHECKLIST_LINE}`)) body = body.slice(0, -(CHECKLIST_LINE.length + 2));
  if (body === "") return [];
  const events = `\n\n${EVENTS_HEADING}\n- `;
  // An event may span lines: each starts after "\n- ".
  return body.startsWith(events) ? body.slice(events.length).split("\n- ") : null;
}

/** True when a heartbeat's reply says only that all is well (it was not delivered). */
export const isQuietReply = (reply: string, ackMaxChars: number) =>
  reply.includes(HEARTBEAT_OK) && heartbeatDelivery(reply, ackMaxChars) === null;
