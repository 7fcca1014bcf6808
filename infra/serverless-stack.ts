// The serverless stack: Telegram posts to an HTTP API whose ingest Lambda queues the update on SQS FIFO; the
// runner Lambda takes it (and runs the turn, or streams it from AgentCore Runtime); EventBridge Scheduler fires
// the schedule Lambda for the heartbeat and cron jobs. State lives in one DynamoDB table and one S3 bucket;
// what a person said is recorded in AgentCore Memory by whoever runs the turn.
//
//   Telegram ─▶ HTTP API ─▶ ingest ─▶ SQS FIFO ─▶ runner ─(agentcore)─▶ AgentCore Runtime
//                                       │ └─ after redriveCount receives ─▶ FIFO dead-letter queue
//   Scheduler group ─(role: invoke schedule only)─▶ schedule ─▶ SQS FIFO
import { ArnFormat, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { STATE_TABLE } from "../src/adapters/dynamodb/tables.ts";
import { DEFAULT_MAX_ATTEMPTS, redriveCount } from "../src/engines/aws/settings.ts";
import { Alarms } from "./alarms.ts";
import { AssistantMemory } from "./assistant-memory.ts";
import type { DeployOptions } from "./options.ts";
import { output } from "./outputs.ts";
import { TurnsRuntime } from "./turns-runtime.ts";

/**
 * The runner's timeout: the Lambda maximum, since a turn streamed from AgentCore may take up to its cap
 * (AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS, 600 s) plus start-up and delivery, and a turn run in the Lambda
 * itself gets the same room.
 */
export const RUNNER_TIMEOUT_SECONDS = 900;
/**
 * The intake queue's visibility timeout: AWS's advice of 6x the function timeout for SQS event sources, so
 * a message is not handed out again while a retried batch still runs. It is also how long a chat waits after
 * a runner was killed (an ordinary failure hands the message back sooner through the runner's own retries).
 */
export const VISIBILITY_TIMEOUT_SECONDS = 6 * RUNNER_TIMEOUT_SECONDS;
/** The runner aborts a turn streamed from AgentCore after this (design: under the runner's 900 s). */
export const TURN_CAP_SECONDS = 600;
/** The webhook route, as `aws dev`'s API Gateway front and the ingest handler take it. */
export const WEBHOOK_PATH = "/telegram/webhook";

const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

export interface ServerlessStackProps extends StackProps {
  options: DeployOptions;
}

export class ServerlessStack extends Stack {
  constructor(scope: Construct, id: string, props: ServerlessStackProps) {
    super(scope, id, props);
    const { options } = props;
    const agentcore = options.turns === "agentcore";

    // Created holding "{}": `deploy aws` puts the values (bot token, keys, AGENT_CLAW_CONFIG) with
    // PutSecretValue, so none of them is ever in the template. An unchanged template never resets it.
    const secret = new secretsmanager.Secret(this, "Secrets", {
      secretName: `${options.name}/secrets`,
      description: "agent-claw: a JSON object of environment variables, read once per cold start",
      secretStringValue: SecretValue.unsafePlainText("{}"),
    });

    const table = new dynamodb.Table(this, "State", {
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The workspace and large transcript entries: kept when the stack is destroyed (deploy aws
    // --destroy --delete-bucket removes it), versioned so an overwritten memory file can be recovered.
    const bucket = new s3.Bucket(this, "Workspace", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // FIFO: one chat's messages in order, one at a time. Ingest sends explicit deduplication ids
    // (the update id), so content-based deduplication stays off. A FIFO queue's DLQ must be FIFO.
    const deadLetters = new sqs.Queue(this, "DeadLetters", {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new sqs.Queue(this, "Intake", {
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: redriveCount(DEFAULT_MAX_ATTEMPTS) },
    });
    // Scheduler takes only a standard queue as a schedule's dead-letter queue.
    const scheduleDeadLetters = new sqs.Queue(this, "ScheduleDeadLetters", {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    // Schedules are made at run time (cron jobs by the agent, the heartbeat by deploy aws); deleting the
    // group with the stack deletes them all.
    const group = new scheduler.ScheduleGroup(this, "Schedules", {
      scheduleGroupName: options.name,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const env: Record<string, string> = {
      AGENT_CLAW_AWS_TABLE: table.tableName,
      AGENT_CLAW_AWS_BUCKET: bucket.bucketName,
      AGENT_CLAW_AWS_QUEUE_URL: queue.queueUrl,
      AGENT_CLAW_AWS_SCHEDULE_GROUP: group.scheduleGroupName,
      AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN: scheduleDeadLetters.queueArn,
      // Stated, not left to the default, so the queue's redrive count and the runner cannot drift apart.
      AGENT_CLAW_AWS_MAX_ATTEMPTS: String(DEFAULT_MAX_ATTEMPTS),
      AGENT_CLAW_SECRETS_ARN: secret.secretArn,
    };

    const functionName = (name: string) => `${options.name}-${name}`;
    // Every function names the schedule function as Scheduler's target, the schedule function too, and a
    // function cannot refer to its own ARN: so the ARN is built from the name the function is given.
    const scheduleArn = this.formatArn({
      service: "lambda",
      resource: "function",
      resourceName: functionName("schedule"),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fn = (name: "ingest" | "runner" | "schedule", memoryMB: number, timeout: Duration) => {
      const logGroup = new logs.LogGroup(this, `${capitalise(name)}Logs`, {
        retention: LOG_RETENTION,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const f = new lambda.Function(this, capitalise(name), {
        functionName: functionName(name),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        // One bundle per function (scripts/build.mjs makes them self-contained): the others stay out.
        code: lambda.Code.fromAsset(options.lambdaDir, { exclude: ["*", `!${name}.mjs`] }),
        handler: `${name}.handler`,
        memorySize: memoryMB,
        timeout,
        logGroup,
        environment: { ...env },
      });
      secret.grantRead(f);
      return { f, logGroup };
    };
    // Ingest answers Telegram within its 30 s API Gateway limit; 512 MB for a quick cold start.
    const ingest = fn("ingest", 512, Duration.seconds(30));
    // Turns in the Lambda need room for the model SDKs; streaming from AgentCore needs little.
    const runner = fn("runner", agentcore ? 512 : 1024, Duration.seconds(RUNNER_TIMEOUT_SECONDS));
    // A firing queues its turn (or beats an idle heartbeat without a model call).
    const schedule = fn("schedule", 512, Duration.minutes(2));

    const schedulerRole = new iam.Role(this, "SchedulerRole", {
      description: "Assumed by EventBridge Scheduler: may invoke the schedule function only",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    });
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [schedule.f.functionArn] }),
    );
    scheduleDeadLetters.grantSendMessages(schedulerRole);
    for (const f of [ingest.f, runner.f, schedule.f]) {
      f.addEnvironment("AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN", scheduleArn);
      f.addEnvironment("AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN", schedulerRole.roleArn);
    }

    table.grantReadWriteData(ingest.f);
    queue.grantSendMessages(ingest.f);
    for (const f of [runner.f, schedule.f]) {
      table.grantReadWriteData(f);
      bucket.grantReadWrite(f);
      queue.grantSendMessages(f);
      this.grantSchedules(f, group, schedulerRole);
    }
    // FIFO sources take up to 10 per batch; the runner reports what it could not settle.
    runner.f.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));

    const api = new apigw.HttpApi(this, "Api", {
      description: "agent-claw webhooks",
      createDefaultStage: false,
    });
    // A flood of requests stops here instead of in the functions and the account's concurrency.
    api.addStage("Stage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 50 },
    });
    api.addRoutes({
      path: WEBHOOK_PATH,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration("Ingest", ingest.f),
    });

    // Turns are recorded in it and searched by whoever runs them: the runner, or the runtime.
    const memory = new AssistantMemory(this, "Memory", { name: options.name });

    let turns: TurnsRuntime | undefined;
    if (agentcore) {
      turns = new TurnsRuntime(this, "Turns", {
        name: options.name,
        directory: options.runtimeDir,
        environment: {
          ...env,
          AWS_REGION: this.region,
          AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: scheduleArn,
          AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: schedulerRole.roleArn,
          AGENT_CLAW_AWS_MEMORY_ID: memory.memoryId,
        },
      });
      const role = turns.runtime.role;
      memory.grantUse(role);
      table.grantReadWriteData(role);
      bucket.grantReadWrite(role);
      queue.grantSendMessages(role);
      secret.grantRead(role);
      this.grantSchedules(role, group, schedulerRole);
      this.grantModels(role);
      // The runner may invoke this runtime (and its endpoints) and nothing else in AgentCore.
      runner.f.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["bedrock-agentcore:InvokeAgentRuntime"],
          resources: [turns.runtime.agentRuntimeArn, `${turns.runtime.agentRuntimeArn}/runtime-endpoint/*`],
        }),
      );
      runner.f.addEnvironment("AGENT_CLAW_TURNS", "agentcore");
      runner.f.addEnvironment("AGENT_CLAW_AGENTCORE_RUNTIME_ARN", turns.runtime.agentRuntimeArn);
      runner.f.addEnvironment("AGENT_CLAW_AGENTCORE_QUALIFIER", "DEFAULT");
      runner.f.addEnvironment("AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS", String(TURN_CAP_SECONDS));
      // A new runtime version gets fresh session ids: an old microVM may still serve the old image.
      runner.f.addEnvironment("AGENT_CLAW_RELEASE", turns.runtime.agentRuntimeVersion ?? "dev");
    } else {
      runner.f.addEnvironment("AGENT_CLAW_TURNS", "lambda");
      runner.f.addEnvironment("AGENT_CLAW_AWS_MEMORY_ID", memory.memoryId);
      memory.grantUse(runner.f);
      this.grantModels(runner.f);
    }

    const alarms = new Alarms(this, "Alarms", options.alarmEmail ? { email: options.alarmEmail } : {});
    alarms.deadLetters("DeadLettersAlarm", deadLetters, "Messages the runner gave up on");
    alarms.deadLetters(
      "ScheduleDeadLettersAlarm",
      scheduleDeadLetters,
      "Schedule firings Scheduler could not deliver",
    );
    alarms.lambda(ingest.f, "Ingest");
    alarms.lambda(runner.f, "Runner");
    alarms.lambda(schedule.f, "Schedule");

    output(this, "WebhookUrl", `${api.apiEndpoint}${WEBHOOK_PATH}`, "Telegram's webhook URL (setWebhook)");
    output(this, "TableName", table.tableName, "The state table");
    output(this, "BucketName", bucket.bucketName, "Workspace and large transcripts (kept on destroy)");
    output(this, "QueueUrl", queue.queueUrl, "The intake queue (FIFO)");
    output(this, "DeadLetterQueueUrl", deadLetters.queueUrl, "Messages the runner gave up on");
    output(this, "SecretArn", secret.secretArn, "The secret holding the functions' secret environment");
    output(this, "ScheduleGroup", group.scheduleGroupName, "The EventBridge Scheduler group");
    output(
      this,
      "ScheduleTargetArn",
      schedule.f.functionArn,
      "The schedule function, every schedule's target",
    );
    output(this, "ScheduleRoleArn", schedulerRole.roleArn, "The role Scheduler assumes to invoke it");
    output(
      this,
      "ScheduleDeadLetterArn",
      scheduleDeadLetters.queueArn,
      "Firings Scheduler could not deliver",
    );
    output(this, "AlarmTopicArn", alarms.topic.topicArn, "Alarms are sent here");
    output(this, "IngestLogGroup", ingest.logGroup.logGroupName, "The ingest function's logs");
    output(this, "RunnerLogGroup", runner.logGroup.logGroupName, "The runner function's logs");
    output(this, "ScheduleLogGroup", schedule.logGroup.logGroupName, "The schedule function's logs");
    output(this, "MemoryId", memory.memoryId, "The AgentCore Memory turns are recorded in");
    if (turns) {
      output(this, "RuntimeArn", turns.runtime.agentRuntimeArn, "The AgentCore Runtime running turns");
      output(this, "RuntimeLogGroup", turns.logGroupName, "The AgentCore Runtime's logs");
    }
  }

  /** Cron jobs' schedules in this group only, passing only the Scheduler role. */
  private grantSchedules(grantee: iam.IGrantable, group: scheduler.ScheduleGroup, role: iam.IRole): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          "scheduler:CreateSchedule",
          "scheduler:UpdateSchedule",
          "scheduler:DeleteSchedule",
          "scheduler:GetSchedule",
        ],
        resources: [
          this.formatArn({
            service: "scheduler",
            resource: "schedule",
            resourceName: `${group.scheduleGroupName}/*`,
          }),
        ],
      }),
    );
    role.grantPassRole(grantee.grantPrincipal);
  }
  /**
   * Bedrock models (the amazon-bedrock provider): foundation models and the inference profiles that route
   * them across regions. The model is the user's choice in the config, so any model, but only these actions.
   */
  private grantModels(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        resources: [
          `arn:${this.partition}:bedrock:*::foundation-model/*`,
          `arn:${this.partition}:bedrock:*:${this.account}:inference-profile/*`,
        ],
      }),
    );
  }
}

const capitalise = (s: string) => s[0]!.toUpperCase() + s.slice(1);
