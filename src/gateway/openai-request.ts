// What the OpenAI-compatible API accepts: the chat.completions request schema, the model names
// (one per agent), and how a request picks its session. The agent keeps its own history, so only
// the last user message of a request is new input; the rest of `messages` is ignored.
import { z } from "zod";
import { DEFAULT_AGENT_ID, mainSessionKey } from "../core/session-key.ts";
import type { BodyProblem } from "./request-body.ts";

/** The agents the gateway serves; their ids appear in model names and session keys. */
export const AGENT_IDS: readonly string[] = [DEFAULT_AGENT_ID];

/** Model names a client may ask for: "agent-claw" (the main agent) and "agent-claw/<agentId>". */
export function modelNames(): string[] {
  return ["agent-claw", ...AGENT_IDS.map((id) => `agent-claw/${id}`)];
}

/** The agent id a model name names, or null for a name the gateway does not serve. */
export function agentForModel(model: string): string | null {
  if (model === "agent-claw") return DEFAULT_AGENT_ID;
  const id = model.startsWith("agent-claw/") ? model.slice("agent-claw/".length) : "";
  return AGENT_IDS.includes(id) ? id : null;
}

const part = z.looseObject({ type: z.string({ error: "every content part needs a string `type`" }) });

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z
    .union([z.string(), z.array(part), z.null()], {
      error: "expected a string or an array of content parts",
    })
    .optional(),
  name: z.string().optional(),
});

/** A chat.completions request. Other standard fields (temperature, tools, ...) are accepted and ignored. */
export const chatRequestSchema = z.looseObject({
  model: z.string({ error: 'required: the agent to talk to, e.g. "agent-claw"' }).min(1),
  messages: z
    .array(message, { error: "required: an array of messages" })
    .min(1, "needs at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().min(1).max(256, "at most 256 characters").nullish(),
  n: z.literal(1, "only n = 1 is supported: the agent gives one reply per message").nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The new input of a request: the text and sender name of its last user message. */
export function lastUserInput(request: ChatRequest): { text: string; name?: string } | BodyProblem {
  const index = request.messages.findLastIndex((m) => m.role === "user");
  if (index < 0) {
    return {
      message:
        "messages has no user message. The agent keeps the conversation itself, so send the new user message (earlier messages are ignored).",
      param: "messages",
    };
  }
  const { content, name } = request.messages[index]!;
  let text: string;
  if (typeof content === "string") {
    text = content;
  } else {
    const parts = content ?? [];
    const other = parts.findIndex((p) => p.type !== "text" || typeof p["text"] !== "string");
    if (other >= 0) {
      return {
        message: `messages[${index}].content[${other}]: only text parts ({ "type": "text", "text": "..." }) are supported, got type "${parts[other]!.type}"`,
        param: `messages[${index}].content`,
      };
    }
    text = parts.map((p) => String(p["text"])).join("\n");
  }
  if (!text.trim()) {
    return {
      message: `messages[${index}].content: the last user message is empty`,
      param: `messages[${index}].content`,
    };
  }
  return name ? { text, name } : { text };
}

/** Escapes a key part the way session-key.ts does, so a name with ":" cannot reach another session. */
function keyPart(value: string): string {
  return value.replaceAll("%", "%25").replaceAll(":", "%3A");
}

/**
 * The session a request talks in. `x-agent-claw-session` wins: "main" is the person's main chat,
 * a full key "agent:<agent>:..." is used as it is, any other name becomes agent:<agent>:http:<name>.
 * Otherwise the `user` field names the session (agent:<agent>:http:<user>), and without either the
 * request talks in agent:<agent>:http:default, so API traffic never mixes into the main chat unasked.
 */
export function apiSessionKey(
  agentId: string,
  header: string | undefined,
  user: string | null | undefined,
): { key: string } | BodyProblem {
  const agent = `agent:${keyPart(agentId)}`;
  if (header !== undefined) {
    const name = header.trim();
    if (!name || name.length > 256 || /[\x00-\x1f\x7f]/.test(name)) {
      return {
        message: "x-agent-claw-session must be 1 to 256 characters without control characters.",
        param: "x-agent-claw-session",
      };
    }
    if (name === "main") return { key: mainSessionKey(agentId) };
    if (name.startsWith("agent:")) {
      if (!name.startsWith(`${agent}:`) || name.length === agent.length + 1) {
        return {
          message: `x-agent-claw-session "${name}" is not a session of agent "${agentId}" (expected "${agent}:<name>").`,
          param: "x-agent-claw-session",
        };
      }
      return { key: name };
    }
    return { key: `${agent}:http:${keyPart(name)}` };
  }
  return { key: `${agent}:http:${keyPart(user ?? "default")}` };
}
