// Turns a model call failure into a message that says what went wrong and what to do next.
import { APICallError } from "@ai-sdk/provider";
import { parseModelRef } from "./model-ref.ts";

const KEY_VARIABLE: Record<string, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  bedrock: "your AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
  "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
};

function causeCode(error: unknown): string | undefined {
  let node = error as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 5 && node; i++) {
    if (typeof node.code === "string") return node.code;
    node = node.cause as typeof node;
  }
  return undefined;
}

/** One or two sentences for the person, naming the model and the fix. */
export function explainModelError(error: unknown, modelRef: string): string {
  const provider = (() => {
    try {
      return parseModelRef(modelRef).provider;
    } catch {
      return "openai-compatible";
    }
  })();
  const code = causeCode(error);
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const where = error.url ? ` at ${new URL(error.url).origin}` : "";
    if (status === 401 || status === 403) {
      return `The model provider refused the credentials (${status})${where}. Check ${KEY_VARIABLE[provider]}.`;
    }
    if (status === 404) {
      return `The model "${modelRef}" was not found (404)${where}. Check the model name and the base URL.`;
    }
    if (status === 429) {
      return `The model provider is rate-limiting requests (429)${where}. Wait a moment and try again.`;
    }
    if (status !== undefined && status >= 500) {
      return `The model provider had an error (${status})${where}. Try again shortly.`;
    }
    if (!status && (code === "ECONNREFUSED" || code === "ENOTFOUND" || /connect/i.test(error.message))) {
      const hint =
        provider === "openai-compatible" ? " Is the server running (for Ollama: `ollama serve`)?" : "";
      return `Could not reach the model${where} (${code ?? "connection failed"}).${hint}`;
    }
    return `The model call failed${status ? ` (${status})` : ""}${where}: ${error.message}`;
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND") {
    return `Could not reach the model for ${modelRef} (${code}). Check the base URL and that the server is running.`;
  }
  return `The model call failed: ${(error as Error)?.message ?? String(error)}`;
}
