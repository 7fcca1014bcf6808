// The CloudFormation templates of a deployment, offline: infra/app.ts synthesizes the CDK app with the
// bundles of this checkout or install (dist/lambda, the runtime image's context). No credentials, no Docker.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DeployOptions, DeployOptionsInput } from "../../../infra/options.ts";
import { packageRoot } from "../../util/package-root.ts";

export interface SynthesizedStacks {
  outDir: string;
  templates: Array<{ stackName: string; file: string }>;
}

/** Where the built artifacts of this package are, as infra/app.ts takes them. */
export function artifactDirs(root = packageRoot()) {
  return {
    lambdaDir: join(root, "dist", "lambda"),
    runtimeDir: join(root, "dist", "agentcore"),
    gatewayDir: root,
  };
}

/** Checks that what the stack deploys was built, so CDK does not fail on a missing asset with less to say. */
export function missingArtifacts(
  options: Pick<DeployOptions, "stack" | "turns" | "lambdaDir" | "runtimeDir">,
): string[] {
  const needed =
    options.stack === "fargate"
      ? []
      : [
          ...["ingest", "runner", "schedule"].map((name) => join(options.lambdaDir, `${name}.mjs`)),
          ...(options.turns === "agentcore" ? [join(options.runtimeDir, "Dockerfile")] : []),
        ];
  return needed.filter((file) => !existsSync(file));
}

/**
 * Synthesizes the stack `options` selects into `outDir` (default: a fresh temporary folder). infra/app.ts and
 * aws-cdk-lib load here only: every other command starts without them.
 */
export async function synthesizeStacks(
  options: DeployOptionsInput,
  outDir?: string,
): Promise<SynthesizedStacks> {
  const { synthesize } = await import("../../../infra/app.ts");
  return synthesize(options, outDir);
}
