// AgentCore Memory added to the aws ports, only where turns run (the runner, the AgentCore runtime):
// the schedule and ingest bundles leave the AgentCore client out, and only those roles may call it.
import { BedrockAgentCoreClient } from "@aws-sdk/client-bedrock-agentcore";
import { createAgentCoreMemory } from "../../adapters/agentcore/memory.ts";
import type { Ports } from "../../ports/index.ts";
import type { AwsEngineOptions } from "./wire.ts";

/**
 * `ports` with memory when AGENT_CLAW_AWS_MEMORY_ID is set (`options.memoryId`): turns recorded in that
 * AgentCore Memory, searches merged with the ports' own workspace notes. Contract: close() also
 * destroys the AgentCore client; without a memory id, `ports` is returned as it is.
 */
export function withAwsMemory(ports: Ports, options: AwsEngineOptions): Ports {
  if (options.memoryId === undefined) return ports;
  const client = new BedrockAgentCoreClient({
    region: options.region,
    credentials: options.credentials,
    endpoint: options.endpoint?.memory,
  });
  let closed = false;
  return {
    ...ports,
    memory: createAgentCoreMemory({
      client,
      memoryId: options.memoryId,
      workspace: ports.workspace,
      clock: ports.clock,
    }),
    async close() {
      if (!closed) client.destroy();
      closed = true;
      await ports.close();
    },
  };
}
