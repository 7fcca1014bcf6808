// The CDK app: one stack per deploy, the serverless one or the Fargate one. Synthesis is offline (no
// credentials, no Docker: image assets are staged here and built by the deploy), so `deploy aws --synth`
// and the tests run anywhere.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { FargateStack } from "./fargate-stack.ts";
import { type DeployOptionsInput, parseDeployOptions, stackName } from "./options.ts";
import { ServerlessStack } from "./serverless-stack.ts";

export type { DeployOptions, DeployOptionsInput } from "./options.ts";

export interface Synthesized {
  /** The cloud assembly: templates, asset manifests and staged assets (what the toolkit deploys). */
  outDir: string;
  templates: Array<{ stackName: string; file: string }>;
}

export interface BuildOptions {
  /** Where synth() writes the cloud assembly (default: CDK's, a temporary folder). */
  outDir?: string;
  /**
   * CDK's built-in check of the templates against CloudFormation's rules (default true). It catches
   * what CloudFormation would refuse at deploy (a circular reference, a bad property) but compiles its
   * rules on first use, seconds on a small machine: tests that only read properties turn it off.
   */
  validate?: boolean;
}

/**
 * The app holding the stack the options ask for. With region and account it is bound to them;
 * without, the template works in any (the deploy fills them in).
 * Contract: throws an Error naming every bad option before any construct is made.
 */
export function buildApp(input: DeployOptionsInput, build: BuildOptions = {}): App {
  const options = parseDeployOptions(input);
  const app = new App({
    ...(build.outDir && { outdir: build.outDir }),
    builtinCloudFormationValidation: build.validate ?? true,
    // Nothing of a user's deploy is reported to AWS's CDK usage metrics.
    analyticsReporting: false,
  });
  const env =
    options.account || options.region
      ? {
          env: {
            ...(options.account && { account: options.account }),
            ...(options.region && { region: options.region }),
          },
        }
      : {};
  const name = stackName(options);
  const description =
    options.stack === "serverless"
      ? `agent-claw serverless (turns in ${options.turns === "agentcore" ? "AgentCore Runtime" : "Lambda"})`
      : "agent-claw gateway on Fargate";
  if (options.stack === "serverless") new ServerlessStack(app, name, { ...env, description, options });
  else new FargateStack(app, name, { ...env, description, options });
  return app;
}

/**
 * Writes the cloud assembly to `outDir` (default: a new temporary folder) and returns where each
 * template is. Contract: offline and synchronous; throws on bad options or a construct's validation error.
 */
export function synthesize(input: DeployOptionsInput, outDir?: string, validate = true): Synthesized {
  const dir = outDir ?? mkdtempSync(join(tmpdir(), "agent-claw-cdk-"));
  const assembly = buildApp(input, { outDir: dir, validate }).synth();
  return {
    outDir: assembly.directory,
    templates: assembly.stacks.map((stack) => ({
      stackName: stack.stackName,
      file: join(assembly.directory, stack.templateFile),
    })),
  };
}
