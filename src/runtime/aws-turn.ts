// The runtime's turns on the serverless engine: the runner's assistant and channels over the AWS ports,
// loaded on the first invocation (the AI SDK and AWS clients are what make a cold start slow).
import type { TurnRequest } from "../core/turn/run-turn.ts";
import { OWNER_TRUST } from "../core/intake/trust.ts";
import type { RuntimeTurn } from "./invocation.ts";

export async function openAwsTurn(env: NodeJS.ProcessEnv): Promise<RuntimeTurn> {
  const { openAwsRunner } = await import("../engines/aws/runner-engine.ts");
  const runner = await openAwsRunner(env);
  const { channels, redact } = runner.engine;
  return {
    async run(job, onEvent, signal) {
      const channel = channels.get(job.channel.channel);
      // A bot command ("status", "new", ...) is answered by its channel without the model, as on the runner.
      if (job.command !== undefined) {
        if (!channel)
          throw new Error(`no ${job.channel.channel} channel is set up here to answer /${job.command}`);
        return { reply: await channel.runCommand(job), usage: { inputTokens: 0, outputTokens: 0 } };
      }
      // The job id is the turn id: a retried invocation resumes the turn the transcript already holds.
      const request: TurnRequest = {
        sessionKey: job.sessionKey,
        messages: [job.message],
        channel: job.channel,
        turnIds: [job.id],
        trust: [job.trust ?? OWNER_TRUST],
        ...(job.origin && { origin: job.origin }),
        ...(job.options && { options: job.options }),
        signal,
        onEvent,
      };
      const result = await runner.assistant.turn(channel ? await channel.prepareTurn(request) : request);
      return { reply: result.reply, usage: result.usage };
    },
    describe: (error) => redact(error instanceof Error ? error.message : String(error)),
  };
}
