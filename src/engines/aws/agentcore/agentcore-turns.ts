// The runner's turns when they run in AgentCore: each chat session's turn goes to its runtime session
// (agreed in Values), through one BedrockAgentCoreClient per cold start.
import { BedrockAgentCoreClient } from "@aws-sdk/client-bedrock-agentcore";
import type { TurnRequest, TurnResult } from "../../../core/turn/run-turn.ts";
import type { Clock } from "../../../ports/clock.ts";
import type { Values } from "../../../ports/values.ts";
import type { TurnSettings } from "../settings.ts";
import type { AwsEngineOptions } from "../wire.ts";
import { createRuntimeInvoker, type InvokeRuntimeOptions } from "./invoke-runtime.ts";
import { runtimeSessionIdFor } from "./runtime-session.ts";

export interface AgentCoreTurnsOptions {
  turns: Extract<TurnSettings, { where: "agentcore" }>;
  region: string;
  credentials?: AwsEngineOptions["credentials"];
  values: Values;
  clock: Clock;
  log?: InvokeRuntimeOptions["log"];
}

export interface AgentCoreTurns {
  /** Runs the turn in its chat session's runtime session; rejects as the turn failed there. */
  runTurn(request: TurnRequest): Promise<TurnResult>;
  /** Contract: releases the client's connections; safe to call twice. */
  close(): void;
}

export function createAgentCoreTurns(options: AgentCoreTurnsOptions): AgentCoreTurns {
  const { turns, values, clock } = options;
  const client = new BedrockAgentCoreClient({
    region: options.region,
    credentials: options.credentials,
    endpoint: turns.endpoint,
    // The invoker tries a session that fails to start three times itself; the SDK's own retries on top
    // would make that nine calls, and it must not resend a turn whose stream had begun.
    maxAttempts: 1,
  });
  const invoke = createRuntimeInvoker({
    client,
    runtimeArn: turns.runtimeArn,
    qualifier: turns.qualifier,
    clock,
    turnCapMs: turns.turnCapMs,
    ...(options.log && { log: options.log }),
  });
  return {
    async runTurn(request) {
      const id = await runtimeSessionIdFor(values, clock, request.sessionKey, turns.release);
      return invoke(request, id);
    },
    close: () => client.destroy(),
  };
}
