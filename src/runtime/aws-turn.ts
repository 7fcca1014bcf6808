// The runtime's turns: the runner's assistant and channels over the AWS ports, except the workspace,
// which is this session's disk copy of the S3 prefix (so exec has real files); loaded on the first
// invocation (the AI SDK and AWS clients are what make a cold start slow).
import { S3Client } from "@aws-sdk/client-s3";
import { createFsWorkspace } from "../adapters/fs/workspace.ts";
import type { TurnRequest } from "../core/turn/run-turn.ts";
import { type Assistant, createAssistant } from "../engines/assistant.ts";
import { openAwsEngine } from "../engines/aws/aws-engine.ts";
import { withAwsMemory } from "../engines/aws/memory-ports.ts";
import { createAwsPorts } from "../engines/aws/wire.ts";
import type { RuntimeTurn } from "./invocation.ts";
import { runtimeRoot, sessionFolder } from "./runtime-dir.ts";
import { turnFailure } from "./turn-failure.ts";
import { createWorkspaceCopy, type SyncReport } from "./workspace-copy.ts";

export async function openAwsTurn(env: NodeJS.ProcessEnv, sessionId: string): Promise<RuntimeTurn> {
  const folder = sessionFolder(runtimeRoot(env), sessionId);
  const workspace = createFsWorkspace({ root: folder.workspace });
  // The channel is built before the assistant whose tools its /status lists.
  const built: { assistant?: Assistant } = {};
  const engine = await openAwsEngine(env, {
    // The memory's notes are this disk copy too: a note written earlier in the turn is found.
    ports: (options) => withAwsMemory(createAwsPorts({ ...options, workspace }), options),
    tools: () => built.assistant?.tools ?? [],
  });
  const { settings } = engine.environment;
  const s3 = new S3Client({
    region: settings.region,
    credentials: settings.credentials,
    endpoint: settings.endpoint?.s3,
    forcePathStyle: !!settings.endpoint?.s3,
  });
  const copy = createWorkspaceCopy({
    client: s3,
    bucket: settings.bucket,
    prefix: settings.workspacePrefix,
    dir: folder.workspace,
    stateFile: folder.state,
  });
  const assistant = createAssistant({
    ports: engine.ports,
    config: engine.config,
    // engine.env: the provider keys may come from the deployment's secret (secrets-env.ts).
    env: engine.env,
    engine: "agentcore",
    workspaceDir: folder.workspace,
    log: engine.log,
  });
  built.assistant = assistant;
  const { channels, redact } = engine;
  // One line per sync that moved something: what a session's disk and S3 exchanged, for the logs.
  const note = (what: string, report: SyncReport) => {
    const moved = report.downloaded.length + report.uploaded.length + report.removed.length;
    if (moved === 0) return;
    engine.log(
      "info",
      `workspace ${what}: ${report.downloaded.length} downloaded, ${report.uploaded.length} uploaded, ${report.removed.length} removed`,
    );
  };

  return {
    async run({ turn }, onEvent, signal) {
      // Another session's turn may have changed the shared workspace since this one's last turn.
      note("refreshed from S3", await copy.pull());
      try {
        const channel = channels.get(turn.channel.channel);
        // No approve: nobody can be asked from inside the runtime, so exec runs only allowlisted commands.
        const request: TurnRequest = { ...turn, signal, onEvent };
        const result = await assistant.turn(channel ? await channel.prepareTurn(request) : request);
        return {
          type: "result",
          reply: result.reply,
          usage: result.usage,
          sessionId: result.sessionId,
          steps: result.steps,
          stopReason: result.stopReason,
        };
      } finally {
        // Also after a failed turn: what the tools wrote before the failure is kept.
        note("saved to S3", await copy.push());
      }
    },
    describe: (error, aborted) =>
      turnFailure(error, redact(error instanceof Error ? error.message : String(error)), aborted),
  };
}
