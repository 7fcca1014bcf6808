// The runner Lambda's engine: one SQS FIFO batch through processDeliveries (the daemon's unit of work)
// with the turn run here or in AgentCore (AGENT_CLAW_TURNS), previews streamed through the channel,
// delivery awaited, and what was not settled reported as batch item failures, later messages of its
// group with it, to keep the order.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { toDelivery } from "../../adapters/sqs/queue.ts";
import { createAfterTurn } from "../../core/intake/after-turn.ts";
import {
  DELIVERY_RETRY_DELAYS_MS,
  type DeliveryDeps,
  processDeliveries,
} from "../../core/intake/process-deliveries.ts";
import type { TurnJob } from "../../core/intake/turn-job.ts";
import { heartbeatSettings } from "../../gateway/heartbeat-settings.ts";
import type { OutboxRecord } from "../../ports/outbox.ts";
import type { QueueDelivery } from "../../ports/queue.ts";
import { type Assistant, createAssistant } from "../assistant.ts";
import { type AwsEngine, openAwsEngine } from "./aws-engine.ts";
import { createAgentCoreTurns } from "./agentcore/agentcore-turns.ts";
import { awsScheduling, awsTimeZone } from "./aws-scheduling.ts";
import { withAwsMemory } from "./memory-ports.ts";
import { createAwsPorts } from "./wire.ts";

export interface AwsRunner {
  engine: AwsEngine;
  assistant: Assistant;
  handle(event: SQSEvent): Promise<SQSBatchResponse>;
  /** Contract: releases the ports and the AgentCore client; safe to call twice. */
  close(): Promise<void>;
}

/** A record as the queue port's delivery: the envelope the SQS adapter sent, and its receive count. */
export function deliveryOf(record: SQSRecord): QueueDelivery {
  return toDelivery({
    MessageId: record.messageId,
    ReceiptHandle: record.receiptHandle,
    Body: record.body,
    Attributes: { ...record.attributes },
  });
}

/**
 * The batch item failures for the records left unsettled: each of them, and every later record of its
 * group (Lambda deletes whatever is not reported, and a later message must not overtake an earlier one).
 */
export function batchItemFailures(records: SQSRecord[], unsettled: ReadonlySet<string>): SQSBatchResponse {
  const blocked = new Set<string>();
  const failures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? "";
    if (unsettled.has(record.receiptHandle) || blocked.has(group)) {
      blocked.add(group);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

export async function openAwsRunner(env: NodeJS.ProcessEnv): Promise<AwsRunner> {
  // The channel is built before the assistant whose tools its /status lists.
  const built: { assistant?: Assistant } = {};
  const engine = await openAwsEngine(env, {
    ports: (options) => withAwsMemory(createAwsPorts(options), options),
    tools: () => built.assistant?.tools ?? [],
  });
  const { ports, config, channels, environment } = engine;
  // engine.env: the provider keys may come from the deployment's secret (secrets-env.ts).
  const ready = createAssistant({ ports, config, env: engine.env, engine: "aws", log: engine.log });
  built.assistant = ready;
  const scheduling = awsScheduling(engine);

  const deliver = async (record: OutboxRecord, job: TurnJob, turnJobs: TurnJob[]) => {
    const id = record.deliverTo?.channel;
    // The web chat reads the session itself; there is none on this engine to push to.
    if (id === undefined || id === "web") return;
    const channel = channels.get(id);
    if (!channel) throw new Error(`cannot deliver to the ${id} channel: it is not set up here`);
    await channel.deliver(record, job, turnJobs);
  };
  const afterTurn = createAfterTurn({
    clock: ports.clock,
    outbox: ports.outbox,
    claims: ports.claims,
    cron: ports.cron,
    heartbeat: () => heartbeatSettings(config.heartbeat, () => awsTimeZone(engine)),
    lastRoute: () => engine.lastRoute.target(),
    deliver,
    finishRun: (run, result) => ready.cron.finishRun(run, result),
    wakeHeartbeat: scheduling.wake,
    log: engine.log,
  });
  const retry = environment.settings.retryDelayMs;
  const { turns } = environment.settings;
  // Turns in AgentCore: the runtime downloads a message's files and sends files itself (its channel's
  // prepareTurn), and runs the model; the runner keeps commands, the outbox, delivery and after-turn work,
  // and never resolves a model. It holds the SQS message while it streams (invoke-runtime.ts).
  const agentcore =
    turns.where === "agentcore"
      ? createAgentCoreTurns({
          turns,
          region: environment.settings.region,
          credentials: environment.settings.credentials,
          values: ports.values,
          clock: ports.clock,
          log: engine.log,
        })
      : undefined;
  const deps: DeliveryDeps = {
    queue: ports.queue,
    outbox: ports.outbox,
    clock: ports.clock,
    // A channel's turn gets its files first (downloaded to the workspace), as on the daemon.
    runTurn: agentcore
      ? (request) => agentcore.runTurn(request)
      : async (request) => {
          const channel = channels.get(request.channel.channel);
          return ready.turn(channel ? await channel.prepareTurn(request) : request);
        },
    runCommand: (job) => {
      const channel = channels.get(job.channel.channel);
      if (!channel)
        throw new Error(`no ${job.channel.channel} channel is set up here to answer /${job.command}`);
      return channel.runCommand(job);
    },
    deliver,
    afterTurn,
    maxAttempts: environment.settings.maxAttempts,
    retryDelayMs: retry ?? 2_000,
    ...(retry !== undefined && { deliveryRetryDelaysMs: DELIVERY_RETRY_DELAYS_MS.map(() => retry) }),
    giveUp: "dead-letter",
    onEvent: (jobs, event) => {
      // Typing and previews go to the chat the reply goes to.
      const to = jobs.at(-1)?.deliverTo?.channel;
      if (to) channels.get(to)?.onEvent(jobs, event);
    },
    log: engine.log,
    redact: engine.redact,
  };

  return {
    engine,
    assistant: ready,
    async handle(event) {
      const deliveries = event.Records.map(deliveryOf);
      const unsettled = await processDeliveries(deps, deliveries);
      return batchItemFailures(event.Records, new Set(unsettled.map((d) => d.receipt)));
    },
    async close() {
      agentcore?.close();
      await ports.close();
    },
  };
}
