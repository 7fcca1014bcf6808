// Builds the system prompt from workspace files, the tool list, the time and the channel. Pure.
import type { ChannelContext } from "../messages.ts";
import type { BootstrapFile } from "./bootstrap-files.ts";

export interface SystemPromptInput {
  files: BootstrapFile[];
  tools: Array<{ name: string; description: string }>;
  /** Clock milliseconds. */
  now: number;
  timeZone: string;
  channel: ChannelContext;
  workspaceLocation: string;
  sessionKey: string;
  modelRef: string;
  maxChars: number;
  /** What this engine cannot do (e.g. no shell on the serverless engine); absent: nothing to say. */
  engineLimits?: string;
}

// Building an Intl.DateTimeFormat costs more than the rest of the prompt; one per zone is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      weekday: "long",
      year: "numeric",
      month: "long",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "shortOffset",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** "Sunday, 22 November 2026, 10:00 (Europe/Berlin, GMT+1)"; an unknown zone falls back to UTC. */
export function formatLocalTime(now: number, timeZone: string): string {
  let zone = timeZone;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatterFor(zone).formatToParts(new Date(now));
  } catch {
    zone = "UTC";
    parts = formatterFor(zone).formatToParts(new Date(now));
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")}, ${get("day")} ${get("month")} ${get("year")}, ${get("hour")}:${get("minute")} (${zone}, ${get("timeZoneName")})`;
}

/**
 * Heads the prompt's last section, the only one that changes from one minute to the next: everything
 * before it stays the same from turn to turn, so a provider's prompt cache can keep it (see
 * models/prompt-cache.ts, which splits the prompt here).
 */
export const CURRENT_TIME_HEADING = "## Current date and time";

export function buildSystemPrompt(input: SystemPromptInput): string {
  const sections: string[] = [];
  sections.push(
    "You are a personal assistant running inside agent-claw. You talk with one person (or their group) through a chat app, remember them through the files in your workspace, and act through your tools.",
  );
  if (input.tools.length > 0) {
    sections.push(
      [
        "## Tools",
        "Call a tool when it helps; do not describe a call instead of making it. Tool names are case-sensitive.",
        ...input.tools.map((t) => `- ${t.name}: ${t.description.split("\n")[0]}`),
      ].join("\n"),
    );
  }
  sections.push(
    [
      "## Workspace",
      `Your workspace is ${input.workspaceLocation}. File tools take paths relative to it.`,
      "Write things worth remembering to MEMORY.md (lasting facts) or memory/YYYY-MM-DD.md (daily notes): you remember nothing between sessions except what is in these files.",
      ...(input.tools.some((t) => t.name === "memory_search")
        ? [
            "Before answering about earlier conversations, people, preferences, plans or decisions, call memory_search: it searches these notes and past conversations; memory_get reads the lines a hit points at.",
          ]
        : []),
    ].join("\n"),
  );
  if (input.files.length > 0) {
    const lines = [
      "## Workspace files",
      "These files from your workspace are loaded below. Follow AGENTS.md; if SOUL.md is present, embody its persona and tone.",
    ];
    for (const file of input.files) {
      lines.push("", `### ${file.name}`, file.content);
      if (file.originalChars !== undefined) {
        lines.push(
          `[Note: ${file.name} has ${file.originalChars} characters and was cut to ${input.maxChars} here; read the file for the rest.]`,
        );
      }
    }
    sections.push(lines.join("\n"));
  }
  const chat =
    input.channel.chatKind === "group"
      ? "a group chat: several people may read your replies"
      : "a direct chat";
  sections.push(
    [
      "## Channel",
      `You are talking through ${input.channel.description} (${chat}).`,
      input.channel.interactive
        ? "The person can approve actions that need approval."
        : input.tools.some((t) => t.name === "exec")
          ? "Nobody can approve actions here; commands outside the allowlist will be refused."
          : "Nobody can approve actions here.",
    ].join("\n"),
  );
  const runtime = `session=${input.sessionKey} channel=${input.channel.channel} model=${input.modelRef}`;
  sections.push(["## Runtime", runtime, ...(input.engineLimits ? [input.engineLimits] : [])].join("\n"));
  sections.push(`${CURRENT_TIME_HEADING}\n${formatLocalTime(input.now, input.timeZone)}`);
  return sections.join("\n\n");
}
