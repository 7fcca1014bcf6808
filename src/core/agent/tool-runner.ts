// Runs one tool call from the model: validates its arguments, runs the tool, never throws.
import type { AgentTool, ToolContext, ToolOutput } from "../../tools/tool.ts";

const MAX_ISSUES = 5;

/** What the model gets back for a call to a tool that does not exist, bad arguments, or a crash. */
export async function runToolCall(
  tools: ReadonlyMap<string, AgentTool>,
  name: string,
  input: unknown,
  context: ToolContext,
): Promise<ToolOutput> {
  const tool = tools.get(name);
  if (!tool) {
    return {
      text: `There is no tool named "${name}". Available tools: ${[...tools.keys()].join(", ") || "none"}.`,
      isError: true,
    };
  }
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => {
      const where = issue.path.length ? issue.path.join(".") : "(arguments)";
      return `- ${where}: ${issue.message}`;
    });
    return {
      text: `Invalid arguments for ${name}:\n${issues.join("\n")}\nCall ${name} again with arguments that match its schema.`,
      isError: true,
    };
  }
  try {
    return await tool.run(parsed.data, context);
  } catch (error) {
    if (context.signal.aborted) return { text: `${name} was cancelled.`, isError: true };
    return { text: `${name} failed: ${(error as Error)?.message ?? String(error)}`, isError: true };
  }
}
