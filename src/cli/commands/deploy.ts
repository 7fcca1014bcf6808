// `agent-claw deploy aws`: the serverless engine (or the gateway on Fargate) into the user's AWS account with
// one command, `--synth` for the CloudFormation templates offline, `--destroy` to take it down again.
// Everything AWS loads inside the action: other commands start without the SDK, the CDK or infra/.
import type { Command } from "commander";
import { z } from "zod";
import { createSystemClock } from "../../util/system-clock.ts";
import { action, bold, dim, green, UsageError } from "../io.ts";

const flagsSchema = z
  .object({
    synth: z.boolean().optional(),
    out: z.string().min(1).optional(),
    stack: z.enum(["serverless", "fargate"], { error: "--stack must be serverless or fargate" }).optional(),
    turns: z.enum(["lambda", "agentcore"], { error: "--turns must be lambda or agentcore" }).optional(),
    name: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9-]{0,39}$/,
        "--name must start with a letter and hold 1 to 40 of A-Z, a-z, 0-9 and -",
      )
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "--region is not a region (like eu-west-1)")
      .optional(),
    alarmEmail: z.email({ error: "--alarm-email is not an e-mail address" }).optional(),
    destroy: z.boolean().optional(),
    deleteBucket: z.boolean().optional(),
  })
  .refine((f) => !(f.synth && f.destroy), { error: "--synth and --destroy do not go together" })
  .refine((f) => !f.deleteBucket || f.destroy, { error: "--delete-bucket goes with --destroy" })
  .refine((f) => !f.out || f.synth, { error: "--out goes with --synth" })
  .refine((f) => !(f.turns === "agentcore" && f.stack === "fargate"), {
    error: "--turns agentcore is for the serverless stack (the Fargate gateway runs turns itself)",
  });

type Flags = z.infer<typeof flagsSchema>;

function parseFlags(raw: unknown): Flags {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

export function registerDeploy(program: Command): void {
  const deploy = program.command("deploy").description("Deploy the assistant to a cloud account");
  deploy
    .command("aws")
    .description("Deploy to AWS with the CDK: the serverless stack (default) or the gateway on Fargate")
    .option("--synth", "only write the CloudFormation templates (offline: no credentials needed)")
    .option("--out <dir>", "with --synth: where the templates go (default ./cdk.out)")
    .option("--stack <stack>", "serverless (Lambda, SQS, DynamoDB, S3) or fargate (one gateway task)")
    .option(
      "--turns <where>",
      "serverless: run turns in the runner Lambda (lambda, default) or in AgentCore Runtime (agentcore)",
    )
    .option(
      "--name <name>",
      "deployment name: stacks are <name>-serverless / <name>-fargate (default agent-claw)",
    )
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's)")
    .option("--alarm-email <address>", "e-mail the alarms (dead letters, errors, throttles) here")
    .option("--destroy", "remove the deployed stack and the Telegram webhook (the bucket stays)")
    .option(
      "--delete-bucket",
      "with --destroy: delete the bucket too (workspace and transcripts, every version)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Deploying uses your AWS credentials (aws configure, AWS_PROFILE, SSO) and bootstraps the CDK in the",
        "account and region when needed. It then stores the bot token, the webhook secret, the provider keys",
        "and config.json (secrets moved out of it) in the stack's Secrets Manager secret, sets the Telegram",
        "webhook with its secret token, creates the heartbeat schedule, and writes what it deployed to",
        "<AGENT_CLAW_HOME>/deploy/aws.json (agent-claw doctor checks it). Build first: npm run build.",
        "",
        "Examples:",
        "  agent-claw deploy aws --synth --out cdk.out      templates of both stacks, offline",
        "  agent-claw deploy aws --region eu-west-1         the serverless stack, turns in Lambda",
        "  agent-claw deploy aws --turns agentcore          turns in AgentCore Runtime (exec works there)",
        "  agent-claw deploy aws --destroy                  take it down, keep the bucket",
      ].join("\n"),
    )
    .action(
      action(async (raw: Record<string, unknown>) => {
        const flags = parseFlags(raw);
        const { DeployError } = await import("../../deploy/aws/aws-access.ts");
        try {
          if (flags.synth) await synth(flags);
          else if (flags.destroy) await destroy(flags);
          else await deployNow(flags);
        } catch (error) {
          if (error instanceof DeployError) throw new UsageError(error.message);
          throw error;
        }
      }),
    );
}

const progress = (line: string) => process.stderr.write(dim(`… ${line}\n`));

async function synth(flags: Flags): Promise<void> {
  const { artifactDirs, missingArtifacts, synthesizeStacks } = await import("../../deploy/aws/synth.ts");
  const { resolve, join } = await import("node:path");
  const out = resolve(flags.out ?? "cdk.out");
  const stacks = flags.stack ? [flags.stack] : (["serverless", "fargate"] as const);
  for (const stack of stacks) {
    const options = {
      stack,
      name: flags.name ?? "agent-claw",
      turns: flags.turns ?? "lambda",
      ...artifactDirs(),
    };
    const missing = missingArtifacts(options);
    if (missing.length > 0) {
      throw new UsageError(
        `Not built: ${missing.join(", ")}. Run \`npm run build\` in the agent-claw checkout first.`,
      );
    }
    const started = performance.now();
    const { templates } = await synthesizeStacks(options, flags.stack ? out : join(out, stack));
    const ms = Math.round(performance.now() - started);
    for (const template of templates) {
      process.stdout.write(`${green("✓")} ${template.stackName}: ${template.file} ${dim(`(${ms} ms)`)}\n`);
    }
  }
}

async function deployDeps() {
  const [{ awsIdentity }, { cdkToolkit }] = await Promise.all([
    import("../../deploy/aws/aws-access.ts"),
    import("../../deploy/aws/toolkit.ts"),
  ]);
  return {
    env: process.env,
    toolkit: cdkToolkit(),
    identity: awsIdentity,
    progress,
    clock: createSystemClock(),
  };
}

async function deployNow(flags: Flags): Promise<void> {
  const { deployAws } = await import("../../deploy/aws/deploy-aws.ts");
  const started = Date.now();
  const done = await deployAws(
    {
      stack: flags.stack ?? "serverless",
      turns: flags.turns ?? "lambda",
      name: flags.name ?? "agent-claw",
      ...(flags.region && { region: flags.region }),
      ...(flags.alarmEmail && { alarmEmail: flags.alarmEmail }),
    },
    await deployDeps(),
  );
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(
    [
      `${green("deployed")} ${bold(done.record.stackName)} in ${minutes} min`,
      ...done.summary.map((l) => `  ${l}`),
      "",
    ].join("\n"),
  );
}

async function destroy(flags: Flags): Promise<void> {
  const { destroyAws } = await import("../../deploy/aws/deploy-aws.ts");
  const lines = await destroyAws(
    {
      ...(flags.stack && { stack: flags.stack }),
      ...(flags.name && { name: flags.name }),
      ...(flags.region && { region: flags.region }),
      deleteBucket: Boolean(flags.deleteBucket),
    },
    await deployDeps(),
  );
  process.stdout.write([`${green("destroyed")}`, ...lines.map((l) => `  ${l}`), ""].join("\n"));
}
