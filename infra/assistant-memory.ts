// The AgentCore Memory the serverless stack records turns in: short-term events per person and session,
// and one semantic strategy that extracts long-term facts into /facts/{actorId}/ (the namespaces the
// adapter searches, MEMORY_NAMESPACES). Whoever runs turns gets the data-plane calls on this memory only.
import * as agentcore from "aws-cdk-lib/aws-bedrockagentcore";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { MEMORY_NAMESPACES } from "../src/adapters/agentcore/memory.ts";

/**
 * How long AgentCore keeps raw events (1 to 365 days). The facts extracted from them stay; 90 days of
 * conversation is enough for extraction to catch up and for a person to ask what they said last month.
 */
export const MEMORY_EVENT_EXPIRY_DAYS = 90;

/** What the adapter calls: record a turn, search a person's records, count records for `memory status`. */
export const MEMORY_ACTIONS = [
  "bedrock-agentcore:CreateEvent",
  "bedrock-agentcore:RetrieveMemoryRecords",
  "bedrock-agentcore:ListMemoryRecords",
];

export class AssistantMemory extends Construct {
  readonly memory: agentcore.CfnMemory;

  constructor(scope: Construct, id: string, props: { name: string }) {
    super(scope, id);
    this.memory = new agentcore.CfnMemory(this, "Memory", {
      // AgentCore allows letters, digits and _ in a memory's name.
      name: `${props.name.replaceAll("-", "_")}_memory`,
      description: "agent-claw: each turn as an event; facts extracted per person",
      eventExpiryDuration: MEMORY_EVENT_EXPIRY_DAYS,
      memoryStrategies: [
        {
          semanticMemoryStrategy: {
            name: "facts",
            description: "Facts a person told the assistant, kept per person",
            namespaces: MEMORY_NAMESPACES,
          },
        },
      ],
    });
  }

  /** The memory's id, as AGENT_CLAW_AWS_MEMORY_ID takes it. */
  get memoryId(): string {
    return this.memory.attrMemoryId;
  }

  /** Lets `grantee` record turns in this memory and search it, and nothing else in AgentCore. */
  grantUse(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: MEMORY_ACTIONS, resources: [this.memory.attrMemoryArn] }),
    );
  }
}
