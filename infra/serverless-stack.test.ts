// The serverless stack's template has the properties issue 11 §3 (and issue 12's memory) asks for: read from the synthesized
// CloudFormation, not from the constructs, so a CDK default that differs from what we meant shows here.
import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMORY_NAMESPACES } from "../src/adapters/agentcore/memory.ts";
import { STATE_TABLE } from "../src/adapters/dynamodb/tables.ts";
import { awsSettingsFromEnv, DEFAULT_MAX_ATTEMPTS, redriveCount } from "../src/engines/aws/settings.ts";
import { MEMORY_ACTIONS, MEMORY_EVENT_EXPIRY_DAYS } from "./assistant-memory.ts";
import {
  type Artifacts,
  fakeArtifacts,
  iamStatements,
  resourceNamed,
  rolesOf,
  templateOf,
} from "./testing/stacks.ts";

let artifacts: Artifacts;
let lambdaTurns: Template;
let agentcoreTurns: Template;

beforeAll(() => {
  artifacts = fakeArtifacts();
  const dirs = { lambdaDir: artifacts.lambdaDir, runtimeDir: artifacts.runtimeDir };
  lambdaTurns = templateOf({
    stack: "serverless",
    turns: "lambda",
    ...dirs,
    alarmEmail: "owner@example.com",
  });
  agentcoreTurns = templateOf({ stack: "serverless", turns: "agentcore", ...dirs });
});
afterAll(() => artifacts.remove());

/** Where turns run, for it.each (the templates exist only once beforeAll ran). */
const TURNS = ["lambda", "agentcore"] as const;
const templateFor = (turns: (typeof TURNS)[number]) => (turns === "lambda" ? lambdaTurns : agentcoreTurns);
const both = () => [lambdaTurns, agentcoreTurns];

interface Fn {
  Properties: { Runtime: string; Architectures: string[]; Handler: string; Timeout: number } & {
    Environment: { Variables: Record<string, unknown> };
  };
}
const fn = (template: Template, name: string) =>
  resourceNamed(template, "AWS::Lambda::Function", name)[1] as unknown as Fn;
const envOf = (template: Template, name: string) => fn(template, name).Properties.Environment.Variables;

/** What CloudFormation would put where the template has a Ref or GetAtt, to check the names the code reads. */
const DEPLOYED: Record<string, string> = {
  AWS_REGION: "eu-west-1",
  AGENT_CLAW_AWS_TABLE: "agent-claw-serverless-State1C20CC9A-ABC",
  AGENT_CLAW_AWS_BUCKET: "agent-claw-serverless-workspace2f8c78cc-abc",
  AGENT_CLAW_AWS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/agent-claw-Intake.fifo",
  AGENT_CLAW_AWS_SCHEDULE_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:agent-claw-ScheduleDeadLetters",
  AGENT_CLAW_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:agent-claw/secrets-AbCdEf",
  AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:agent-claw-schedule",
  AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: "arn:aws:iam::123456789012:role/agent-claw-SchedulerRole",
  AGENT_CLAW_AGENTCORE_RUNTIME_ARN:
    "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/agent_claw_turns-Ab12",
  AGENT_CLAW_RELEASE: "3",
  AGENT_CLAW_AWS_MEMORY_ID: "agent_claw_memory-AbCdEf1234",
};
const deployed = (env: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (typeof value === "string") return [name, value];
      const stand = DEPLOYED[name];
      if (!stand) throw new Error(`${name} is computed at deploy and the test has no stand-in for it`);
      return [name, stand];
    }),
  );

describe("the functions", () => {
  it.each(TURNS)("are nodejs24.x on arm64, each with its own bundle (turns in %s)", (turns) => {
    const template = templateFor(turns);
    for (const name of ["Ingest", "Runner", "Schedule"]) {
      const { Properties } = fn(template, name);
      expect(Properties["Runtime"]).toBe("nodejs24.x");
      expect(Properties["Architectures"]).toEqual(["arm64"]);
      expect(Properties["Handler"]).toBe(`${name.toLowerCase()}.handler`);
    }
  });

  it("get the settings the handlers read, which the engine's own parser accepts", () => {
    for (const [template, turns] of [
      [lambdaTurns, { where: "lambda" }],
      [agentcoreTurns, { where: "agentcore", qualifier: "DEFAULT", release: "3", turnCapMs: 600_000 }],
    ] as const) {
      for (const name of ["Ingest", "Runner", "Schedule"]) {
        // Lambda sets AWS_REGION itself.
        const parsed = awsSettingsFromEnv({ AWS_REGION: "eu-west-1", ...deployed(envOf(template, name)) });
        expect(parsed.ok ? "" : parsed.error).toBe("");
        if (parsed.ok && name === "Runner") expect(parsed.settings.turns).toMatchObject(turns);
        if (parsed.ok) expect(parsed.settings.maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
      }
    }
  });

  it("carry design §1's names and the secret's ARN, never a secret value", () => {
    const allowed = new Set([
      ...Object.keys(DEPLOYED),
      "AGENT_CLAW_AWS_SCHEDULE_GROUP",
      "AGENT_CLAW_AWS_MAX_ATTEMPTS",
      "AGENT_CLAW_TURNS",
      "AGENT_CLAW_AGENTCORE_QUALIFIER",
      "AGENT_CLAW_AGENTCORE_TURN_CAP_SECONDS",
    ]);
    for (const template of both()) {
      const envs = [
        ...["Ingest", "Runner", "Schedule"].map((name) => envOf(template, name)),
        ...Object.values(template.findResources("AWS::BedrockAgentCore::Runtime")).map(
          (r) => r["Properties"].EnvironmentVariables as Record<string, unknown>,
        ),
      ];
      for (const env of envs) {
        for (const name of Object.keys(env)) expect(allowed, name).toContain(name);
        expect(env["AGENT_CLAW_SECRETS_ARN"]).toEqual({ Ref: expect.stringMatching(/^Secrets/) });
      }
    }
  });
});

describe("the intake queue", () => {
  it.each(TURNS)(
    "is FIFO with a FIFO dead-letter queue past the runner's attempts (turns in %s)",
    (turns) => {
      const template = templateFor(turns);
      const [, intake] = resourceNamed(template, "AWS::SQS::Queue", "Intake");
      const [deadId, dead] = resourceNamed(template, "AWS::SQS::Queue", "DeadLetters");
      expect(intake.Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
      expect(dead.Properties["FifoQueue"]).toBe(true);
      const redrive = intake.Properties["RedrivePolicy"] as {
        maxReceiveCount: number;
        deadLetterTargetArn: unknown;
      };
      expect(redrive.deadLetterTargetArn).toEqual({ "Fn::GetAtt": [deadId, "Arn"] });
      expect(redrive.maxReceiveCount).toBe(redriveCount(DEFAULT_MAX_ATTEMPTS));
      expect(redrive.maxReceiveCount).toBeGreaterThan(DEFAULT_MAX_ATTEMPTS);
    },
  );

  it.each(TURNS)("stays invisible at least 6x the runner's timeout (turns in %s)", (turns) => {
    const template = templateFor(turns);
    const [, intake] = resourceNamed(template, "AWS::SQS::Queue", "Intake");
    const timeout = fn(template, "Runner").Properties.Timeout;
    expect(timeout).toBeGreaterThanOrEqual(600);
    expect(intake.Properties["VisibilityTimeout"]).toBeGreaterThanOrEqual(6 * timeout);
  });

  it("feeds the runner in batches of 10, reporting failed items", () => {
    const [runnerId] = resourceNamed(lambdaTurns, "AWS::Lambda::Function", "Runner");
    const [intakeId] = resourceNamed(lambdaTurns, "AWS::SQS::Queue", "Intake");
    lambdaTurns.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    lambdaTurns.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: runnerId },
      EventSourceArn: { "Fn::GetAtt": [intakeId, "Arn"] },
      BatchSize: 10,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});

describe("state", () => {
  it("is one on-demand DynamoDB table with the engine's keys, TTL and point-in-time recovery", () => {
    lambdaTurns.resourceCountIs("AWS::DynamoDB::Table", 1);
    lambdaTurns.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: STATE_TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: STATE_TABLE.sortKey, KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it("keeps workspaces in an encrypted, private, versioned bucket that only takes TLS and outlives the stack", () => {
    const [bucketId, bucket] = resourceNamed(lambdaTurns, "AWS::S3::Bucket", "Workspace");
    expect(bucket["DeletionPolicy"]).toBe("Retain");
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
    });
    lambdaTurns.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });
});

describe("schedules", () => {
  it("live in the deployment's group; Scheduler's role may invoke only the schedule function", () => {
    lambdaTurns.hasResourceProperties("AWS::Scheduler::ScheduleGroup", { Name: "agent-claw" });
    const [roleId, role] = resourceNamed(lambdaTurns, "AWS::IAM::Role", "SchedulerRole");
    expect(role.Properties["AssumeRolePolicyDocument"]).toMatchObject({
      Statement: [{ Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const [scheduleId] = resourceNamed(lambdaTurns, "AWS::Lambda::Function", "Schedule8");
    const [dlqId, dlq] = resourceNamed(lambdaTurns, "AWS::SQS::Queue", "ScheduleDeadLetters");
    // Scheduler refuses a FIFO queue as a schedule's dead-letter queue.
    expect(dlq.Properties["FifoQueue"]).toBeUndefined();
    const granted = iamStatements(lambdaTurns).filter(
      (s) => s.where === roleId || rolesOf(lambdaTurns, s.where).includes(roleId),
    );
    expect(granted.map((s) => [s.Action, s.Resource])).toEqual([
      [["lambda:InvokeFunction"], [{ "Fn::GetAtt": [scheduleId, "Arn"] }]],
      [["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], [{ "Fn::GetAtt": [dlqId, "Arn"] }]],
    ]);
  });
});

describe("AgentCore Runtime", () => {
  it("is absent when turns run in the Lambda, and nothing may invoke one", () => {
    lambdaTurns.resourceCountIs("AWS::BedrockAgentCore::Runtime", 0);
    const actions = iamStatements(lambdaTurns).flatMap((s) => s.Action);
    // Memory's calls are all AgentCore may be asked for.
    expect(actions.filter((a) => a.startsWith("bedrock-agentcore:") && !MEMORY_ACTIONS.includes(a))).toEqual(
      [],
    );
  });

  it("is an arm64 image with session storage and the lifecycle the runner's rotation assumes", () => {
    agentcoreTurns.resourceCountIs("AWS::BedrockAgentCore::Runtime", 1);
    agentcoreTurns.hasResourceProperties("AWS::BedrockAgentCore::Runtime", {
      AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: Match.anyValue() } },
      LifecycleConfiguration: { IdleRuntimeSessionTimeout: 900, MaxLifetime: 28_800 },
      FilesystemConfigurations: [{ SessionStorage: { MountPath: "/mnt/session" } }],
    });
  });

  it("may be invoked by the runner alone, and only this runtime", () => {
    const [runtimeId] = resourceNamed(agentcoreTurns, "AWS::BedrockAgentCore::Runtime", "Turns");
    const [runnerRole] = resourceNamed(agentcoreTurns, "AWS::IAM::Role", "RunnerServiceRole");
    const invoking = iamStatements(agentcoreTurns).filter((s) =>
      s.Action.some((a) => a.startsWith("bedrock-agentcore:Invoke")),
    );
    expect(invoking).toHaveLength(1);
    expect(rolesOf(agentcoreTurns, invoking[0]!.where)).toEqual([runnerRole]);
    expect(invoking[0]!.Action).toEqual(["bedrock-agentcore:InvokeAgentRuntime"]);
    const arn = { "Fn::GetAtt": [runtimeId, "AgentRuntimeArn"] };
    expect(invoking[0]!.Resource).toEqual([arn, { "Fn::Join": ["", [arn, "/runtime-endpoint/*"]] }]);
  });

  it("is the one that runs models: the runner then may not", () => {
    const [runnerRole] = resourceNamed(agentcoreTurns, "AWS::IAM::Role", "RunnerServiceRole");
    const models = iamStatements(agentcoreTurns).filter((s) => s.Action.includes("bedrock:InvokeModel"));
    expect(models.flatMap((s) => rolesOf(agentcoreTurns, s.where))).not.toContain(runnerRole);
    expect(models).toHaveLength(1);
  });
});

describe("AgentCore Memory", () => {
  it.each(TURNS)(
    "is one memory with a semantic strategy into the namespaces the adapter searches (turns in %s)",
    (turns) => {
      const template = templateFor(turns);
      template.resourceCountIs("AWS::BedrockAgentCore::Memory", 1);
      template.hasResourceProperties("AWS::BedrockAgentCore::Memory", {
        Name: "agent_claw_memory",
        EventExpiryDuration: MEMORY_EVENT_EXPIRY_DAYS,
        MemoryStrategies: [{ SemanticMemoryStrategy: { Name: "facts", Namespaces: MEMORY_NAMESPACES } }],
      });
      expect(template.toJSON()["Outputs"]).toHaveProperty("MemoryId");
    },
  );

  it.each([
    ["lambda", "RunnerServiceRole"],
    ["agentcore", "TurnsRuntimeExecutionRole"],
  ] as const)("is used only by whoever runs turns (%s: %s), and only this memory", (turns, runsTurns) => {
    const template = templateFor(turns);
    const [memoryId] = resourceNamed(template, "AWS::BedrockAgentCore::Memory", "Memory");
    const [role] = resourceNamed(template, "AWS::IAM::Role", runsTurns);
    const using = iamStatements(template).filter((s) => s.Action.some((a) => MEMORY_ACTIONS.includes(a)));
    expect(using).toHaveLength(1);
    expect(rolesOf(template, using[0]!.where)).toEqual([role]);
    expect(using[0]!.Action).toEqual(MEMORY_ACTIONS);
    expect(using[0]!.Resource).toEqual([{ "Fn::GetAtt": [memoryId, "MemoryArn"] }]);
    // The memory id goes where turns run, and nowhere else.
    const withId = [
      ...["Ingest", "Runner", "Schedule"].filter(
        (name) => "AGENT_CLAW_AWS_MEMORY_ID" in envOf(template, name),
      ),
      ...Object.values(template.findResources("AWS::BedrockAgentCore::Runtime"))
        .filter((r) => "AGENT_CLAW_AWS_MEMORY_ID" in (r["Properties"].EnvironmentVariables as object))
        .map(() => "Runtime"),
    ];
    expect(withId).toEqual([turns === "lambda" ? "Runner" : "Runtime"]);
  });
});

describe("secrets", () => {
  it("are one secret created empty: values are put by deploy aws, never in the template", () => {
    for (const template of both()) {
      template.resourceCountIs("AWS::SecretsManager::Secret", 1);
      template.hasResourceProperties("AWS::SecretsManager::Secret", {
        Name: "agent-claw/secrets",
        SecretString: "{}",
        GenerateSecretString: Match.absent(),
      });
    }
  });

  it("never leak from the environment of the machine that synthesizes", () => {
    const values = {
      TELEGRAM_BOT_TOKEN: "123456:AAFAKEFAKEFAKEFAKEFAKEFAKEFAKE",
      ANTHROPIC_API_KEY: "sk-ant-fake-key-0123456789",
      TELEGRAM_WEBHOOK_SECRET: "webhook-secret-0123456789",
    };
    const saved = { ...process.env };
    Object.assign(process.env, values);
    try {
      const text = JSON.stringify(
        templateOf({
          stack: "serverless",
          turns: "agentcore",
          lambdaDir: artifacts.lambdaDir,
          runtimeDir: artifacts.runtimeDir,
        }).toJSON(),
      );
      for (const value of Object.values(values)) expect(text).not.toContain(value);
    } finally {
      for (const name of Object.keys(values)) if (!(name in saved)) delete process.env[name];
    }
  });
});

describe("IAM", () => {
  it.each(TURNS)("grants no * action and no service-wide action on * (turns in %s)", (turns) => {
    const template = templateFor(turns);
    const statements = iamStatements(template).filter((s) => s.Effect === "Allow");
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      expect(s.Action, s.where).not.toContain("*");
      if (s.Resource.includes("*")) {
        for (const action of s.Action) expect(action, s.where).not.toMatch(/:\*$/);
      }
    }
    // The roles get no managed policy beyond Lambda's basic execution (logs).
    for (const role of Object.values(template.findResources("AWS::IAM::Role"))) {
      const managed =
        JSON.stringify(role["Properties"].ManagedPolicyArns ?? []).match(/policy\/[\w/-]+/g) ?? [];
      for (const policy of managed) expect(policy).toBe("policy/service-role/AWSLambdaBasicExecutionRole");
    }
  });

  it("lets the ingest function queue and record but not touch the workspace, schedules or models", () => {
    const [role] = resourceNamed(lambdaTurns, "AWS::IAM::Role", "IngestServiceRole");
    const actions = iamStatements(lambdaTurns)
      .filter((s) => rolesOf(lambdaTurns, s.where).includes(role))
      .flatMap((s) => s.Action);
    expect(actions).toContain("sqs:SendMessage");
    expect(actions).toContain("dynamodb:PutItem");
    expect(actions.filter((a) => /^(s3|scheduler|bedrock|iam):/.test(a))).toEqual([]);
  });
});

describe("operations", () => {
  it("routes POST /telegram/webhook to the ingest function", () => {
    const [ingestId] = resourceNamed(lambdaTurns, "AWS::Lambda::Function", "Ingest");
    lambdaTurns.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /telegram/webhook" });
    lambdaTurns.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      IntegrationUri: { "Fn::GetAtt": [ingestId, "Arn"] },
    });
  });

  it("alarms on both dead-letter queues and on every function's errors and throttles, by e-mail", () => {
    const alarms = Object.values(lambdaTurns.findResources("AWS::CloudWatch::Alarm")).map(
      (a) => a["Properties"] as { MetricName: string; AlarmActions: unknown[] },
    );
    const count = (metric: string) => alarms.filter((a) => a.MetricName === metric).length;
    expect(count("ApproximateNumberOfMessagesVisible")).toBe(2);
    expect(count("Errors")).toBe(3);
    expect(count("Throttles")).toBe(3);
    const [topicId] = resourceNamed(lambdaTurns, "AWS::SNS::Topic", "Alarms");
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    lambdaTurns.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "owner@example.com",
    });
    agentcoreTurns.resourceCountIs("AWS::SNS::Subscription", 0);
  });

  it("outputs what deploy aws and doctor read", () => {
    const keys = Object.keys(lambdaTurns.toJSON()["Outputs"]);
    for (const key of [
      "WebhookUrl",
      "TableName",
      "BucketName",
      "QueueUrl",
      "DeadLetterQueueUrl",
      "SecretArn",
      "ScheduleGroup",
      "ScheduleTargetArn",
      "ScheduleRoleArn",
      "ScheduleDeadLetterArn",
      "IngestLogGroup",
      "RunnerLogGroup",
      "ScheduleLogGroup",
    ]) {
      expect(keys).toContain(key);
    }
    expect(keys).not.toContain("RuntimeArn");
    expect(Object.keys(agentcoreTurns.toJSON()["Outputs"])).toEqual(
      expect.arrayContaining(["RuntimeArn", "RuntimeLogGroup"]),
    );
  });
});
