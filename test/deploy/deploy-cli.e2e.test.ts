// `agent-claw deploy aws` from the built CLI, as a user runs it: --synth writes both stacks' templates with no
// AWS_* variables and an empty HOME (offline, no credentials), and a deploy without credentials stops with
// what to do before doing anything. The CDK stays outside the bundle and loads from node_modules.
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempHome } from "../e2e/run-cli.ts";

let home: Awaited<ReturnType<typeof tempHome>>;
beforeEach(async () => {
  home = await tempHome();
});
afterEach(() => home.cleanup());

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

const resources = (template: Template, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

describe("agent-claw deploy aws", () => {
  it("--synth writes the serverless and Fargate templates offline, with no credentials", async () => {
    const out = join(home.home, "cdk.out");
    const result = await runCli(["deploy", "aws", "--synth", "--out", out], home.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("agent-claw-serverless");
    expect(result.stdout).toContain("agent-claw-fargate");

    const serverless = JSON.parse(
      await readFile(join(out, "serverless", "agent-claw-serverless.template.json"), "utf8"),
    ) as Template;
    const functions = resources(serverless, "AWS::Lambda::Function").filter(
      (fn) => fn.Properties?.["Runtime"] === "nodejs24.x",
    );
    expect(functions.length).toBe(3);
    expect(Object.keys(serverless.Outputs ?? {})).toEqual(
      expect.arrayContaining(["WebhookUrl", "SecretArn", "ScheduleTargetArn", "ScheduleRoleArn"]),
    );
    const fargate = JSON.parse(
      await readFile(join(out, "fargate", "agent-claw-fargate.template.json"), "utf8"),
    ) as Template;
    expect(resources(fargate, "AWS::ECS::TaskDefinition").length).toBe(1);
    // No state of agent-claw's is needed or made for templates (aws-cdk-lib keeps a cache in ~/.cdk).
    expect(await readdir(home.home)).not.toContain(".agent-claw");
  }, 120_000);

  it("--synth --stack serverless --turns agentcore writes that one stack where --out says", async () => {
    const out = join(home.home, "one");
    const result = await runCli(
      [
        "deploy",
        "aws",
        "--synth",
        "--stack",
        "serverless",
        "--turns",
        "agentcore",
        "--name",
        "mybot",
        "--out",
        out,
      ],
      home.env,
    );
    expect(result.code).toBe(0);
    const template = JSON.parse(
      await readFile(join(out, "mybot-serverless.template.json"), "utf8"),
    ) as Template;
    expect(resources(template, "AWS::BedrockAgentCore::Runtime").length).toBe(1);
  }, 120_000);

  it("stops before any work without credentials, saying how to get them", async () => {
    const result = await runCli(["deploy", "aws", "--region", "eu-west-1"], {
      ...home.env,
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No AWS credentials found. Run `aws configure`");
    expect(result.stderr).toContain("AWS_PROFILE");
    expect(existsSync(join(home.env.AGENT_CLAW_HOME!, "deploy"))).toBe(false);
  }, 30_000);

  it("checks its flags and explains them", async () => {
    const stack = await runCli(["deploy", "aws", "--stack", "k8s"], home.env);
    expect(stack.code).toBe(1);
    expect(stack.stderr).toContain("--stack must be serverless or fargate");
    const bucket = await runCli(["deploy", "aws", "--delete-bucket"], home.env);
    expect(bucket.stderr).toContain("--delete-bucket goes with --destroy");
    const help = await runCli(["deploy", "aws", "--help"], home.env);
    expect(help.code).toBe(0);
    for (const flag of [
      "--synth",
      "--out",
      "--stack",
      "--turns",
      "--name",
      "--region",
      "--destroy",
      "--delete-bucket",
    ]) {
      expect(help.stdout).toContain(flag);
    }
  }, 30_000);
});
