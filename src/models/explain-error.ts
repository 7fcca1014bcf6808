// Turns a model call failure into a message for the owner at the terminal: what went wrong (by the
// one classifier in core/agent/model-error-kind.ts), where, and the variable or command that fixes it.
import { classifyModelError, modelErrorFacts } from "../core/agent/model-error-kind.ts";
import { stripControlChars } from "../util/control-chars.ts";
import { redact, secretValues } from "../util/redact.ts";
import { parseModelRef, type ProviderId } from "./model-ref.ts";

/** The variable (or credentials) each provider's key comes from. */
export const KEY_VARIABLE: Record<ProviderId, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  bedrock: "your AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
  "openai-compatible": "OPENAI_COMPATIBLE_API_KEY",
  ollama: "the key of the proxy in front of Ollama (Ollama itself needs none)",
};

function providerOf(modelRef: string): ProviderId {
  try {
    return parseModelRef(modelRef).provider;
  } catch {
    return "openai-compatible";
  }
}

function originOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return ` at ${new URL(url).origin}`;
  } catch {
    return "";
  }
}

/** One or two sentences for the person, naming the model and the fix; the provider's words redacted. */
export function explainModelError(
  error: unknown,
  modelRef: string,
  secrets: readonly string[] = secretValues(process.env),
): string {
  const provider = providerOf(modelRef);
  const facts = modelErrorFacts(error);
  const where = originOf(facts.url);
  const status = facts.status === undefined ? "" : ` (${facts.status})`;
  const said = stripControlChars(redact(facts.text, secrets)).slice(0, 300);
  switch (classifyModelError(error)) {
    case "usage_limit":
      return `${(error as Error).message} See \`agent-claw usage\`; limits.dailyUsd and limits.dailyTokens set the limits.`;
    case "not_configured":
      return `The model "${modelRef}" has no API key: set ${KEY_VARIABLE[provider]} (see \`agent-claw doctor\`).`;
    case "auth":
      return `The model provider refused the credentials${status}${where}. Check ${KEY_VARIABLE[provider]}.`;
    case "billing":
      return `The model provider refused for billing or quota${status}${where}: ${said}. Check the account with the provider.`;
    case "rate_limit":
      return `The model provider is rate-limiting requests${status}${where}. Wait a moment and try again.`;
    case "overloaded":
      return `The model provider had an error or is overloaded${status}${where}. Try again shortly.`;
    case "context_overflow":
      return `The conversation is too long for "${modelRef}"${status}. Start a new session (\`agent-claw sessions\`, or /new in chat).`;
    case "timeout": {
      const hint =
        provider === "ollama" || provider === "openai-compatible"
          ? " Is the server running (for Ollama: `ollama serve`)?"
          : " Check the network and the base URL.";
      return `Could not reach the model${where} (${facts.code ?? "connection failed"}).${hint}`;
    }
    case "bad_request":
      if (facts.status === 404) {
        return `The model "${modelRef}" was not found (404)${where}. Check the model name and the base URL.`;
      }
      return `The model provider rejected the request${status}${where}: ${said}`;
    case "unknown":
      return `The model call failed${status}${where}: ${said}`;
  }
}
