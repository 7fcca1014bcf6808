// Prompt size per turn for the default workspace: what a fresh install sends the model on each turn, read off
// the wire (the fake OpenAI-compatible server records the request body), in characters and in tokens as the
// context guard estimates them (src/core/context/tokens.ts: no provider tokenizer runs here). The first turn of
// a chat, and a later one whose conversation has grown, show what is fixed (system prompt, tools) and what grows.
// `node bench/prompt-tokens.ts` prints it alone.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfig } from "../src/config/load.ts";
import { charsPerTokenOf } from "../src/core/context/tokens.ts";
import { ensureWorkspace } from "../src/core/workspace/ensure-workspace.ts";
import { createAssistant } from "../src/engines/assistant.ts";
import { createLocalPorts } from "../src/engines/local/wire.ts";
import type { RecordedRequest } from "../test/fakes/model-script.ts";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";

/** The models whose token estimates are printed: Anthropic's tokenizer counts more tokens for the same text. */
const MODELS = ["anthropic/claude-sonnet-4-5", "openai/gpt-4.1"];

export interface PromptSize {
  systemChars: number;
  toolsChars: number;
  tools: number;
  messagesChars: number;
  /** Model ref → estimated tokens of the whole request. */
  tokens: Record<string, number>;
}

export interface PromptTokens {
  first: PromptSize;
  /** The request of the `turns`-th turn of the same chat. */
  later: PromptSize & { turn: number };
}

function sizeOf(request: RecordedRequest): PromptSize {
  const body = request.body as { messages?: unknown[]; tools?: unknown[] };
  const systemChars = request.system?.length ?? 0;
  const toolsChars = JSON.stringify(body.tools ?? []).length;
  const messagesChars = JSON.stringify(
    (body.messages ?? []).filter((m) => (m as { role?: string }).role !== "system"),
  ).length;
  const total = systemChars + toolsChars + messagesChars;
  const tokens = Object.fromEntries(
    MODELS.map((ref) => [ref, Math.ceil(total / charsPerTokenOf(ref))] as const),
  );
  return { systemChars, toolsChars, tools: body.tools?.length ?? 0, messagesChars, tokens };
}

export async function benchPromptTokens(turns = 20): Promise<PromptTokens> {
  const dir = await mkdtemp(join(tmpdir(), "ac-bench-prompt-"));
  const model = await startOpenAIChatFake();
  const workspaceDir = join(dir, "workspace");
  const ports = createLocalPorts({
    workspaceDir,
    stateDb: join(dir, "state.db"),
    sessionsDir: join(dir, "sessions"),
    memoryDb: join(dir, "memory.db"),
  });
  try {
    await ensureWorkspace(ports.workspace);
    const config = validateConfig({ model: "openai-compatible/fake" }, "bench");
    const assistant = createAssistant({
      ports,
      config,
      env: { OPENAI_COMPATIBLE_BASE_URL: model.url },
      engine: "local",
      workspaceDir,
    });
    // A reply of everyday length, so the later turn's history is what a chat's would be.
    model.script(
      Array.from({ length: turns }, (_, i) => ({
        text: `Noted (${i + 1}). I will keep that in mind and remind you when it matters.`,
      })),
    );
    for (let i = 1; i <= turns; i++) {
      await assistant.turn({
        sessionKey: "agent:main:main",
        messages: [
          {
            id: `m${i}`,
            channel: "cli",
            account: "default",
            chat: { id: "t", kind: "dm" },
            sender: { id: "owner" },
            text: `Message ${i}: a few words about my day and what I need to do tomorrow.`,
            at: Date.UTC(2026, 11, 7, 9, i),
          },
        ],
        channel: { channel: "cli", chatKind: "dm", description: "the terminal", interactive: false },
      });
    }
    const requests = model.requests;
    return { first: sizeOf(requests[0]!), later: { ...sizeOf(requests.at(-1)!), turn: turns } };
  } finally {
    await ports.close();
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function promptTokensLines(figures: PromptTokens): string[] {
  const line = (label: string, size: PromptSize) =>
    `${label.padEnd(47)}${Object.entries(size.tokens)
      .map(([ref, tokens]) => `≈ ${tokens.toLocaleString("en")} tokens (${ref.split("/")[0]})`)
      .join(
        "   ",
      )}   system ${size.systemChars.toLocaleString("en")} + ${size.tools} tools ${size.toolsChars.toLocaleString("en")} + messages ${size.messagesChars.toLocaleString("en")} chars`;
  return [
    line("prompt, default workspace, a chat's first turn", figures.first),
    line(`prompt, the same chat's turn ${figures.later.turn}`, figures.later),
  ];
}

if (import.meta.main) {
  for (const text of promptTokensLines(await benchPromptTokens())) process.stdout.write(`${text}\n`);
}
