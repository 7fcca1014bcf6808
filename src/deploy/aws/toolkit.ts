// The one part of `deploy aws` that needs an AWS account: the CDK toolkit (@aws-cdk/toolkit-lib) bootstraps
// the environment, deploys or destroys the synthesized stack and reports progress through its IoHost. Behind
// an interface so everything around it runs in tests against loopback fakes.
import type * as ToolkitLib from "@aws-cdk/toolkit-lib";
import type { DeployOptions } from "../../../infra/options.ts";
import { synthesizeStacks } from "./synth.ts";

export interface DeployedStack {
  stackName: string;
  outputs: Record<string, string>;
}

/** What `deploy aws` asks of CloudFormation. Contract: progress lines go to `progress`; a failure throws with CDK's message. */
export interface DeployToolkit {
  /** Bootstraps the account/region when needed (idempotent), then deploys the stack `options` selects. */
  deploy(options: DeployOptions, progress: (line: string) => void): Promise<DeployedStack>;
  /** Deletes the stack (resources with RETAIN, the bucket, stay). */
  destroy(options: DeployOptions, progress: (line: string) => void): Promise<void>;
}

/** The CDK toolkit library, loaded on use: it and aws-cdk-lib are large and only deploys need them. */
export function cdkToolkit(): DeployToolkit {
  const open = async (progress: (line: string) => void) => {
    const lib = await import("@aws-cdk/toolkit-lib");
    const toolkit = new lib.Toolkit({
      color: false,
      emojis: false,
      ioHost: {
        // Debug and trace are the toolkit's own diagnostics; the rest is what a person deploying reads.
        async notify(message) {
          if (message.level === "debug" || message.level === "trace") return;
          for (const line of message.message.split("\n")) if (line.trim()) progress(line);
        },
        // Nobody answers questions here: every request (approve IAM changes, ...) gets its default.
        async requestResponse(request) {
          return request.defaultResponse;
        },
      },
    });
    return { lib, toolkit };
  };
  const assembly = async (options: DeployOptions, lib: typeof ToolkitLib, toolkit: ToolkitLib.Toolkit) => {
    const { outDir, templates } = await synthesizeStacks(options);
    const source = await toolkit.fromAssemblyDirectory(outDir);
    const stackName = templates[0]!.stackName;
    const stacks = { strategy: lib.StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [stackName] };
    return { source, stackName, stacks };
  };
  return {
    async deploy(options, progress) {
      const { lib, toolkit } = await open(progress);
      const { source, stackName, stacks } = await assembly(options, lib, toolkit);
      progress(
        `bootstrapping aws://${options.account}/${options.region} (CDKToolkit stack; nothing to do when it is current)`,
      );
      await toolkit.bootstrap(
        lib.BootstrapEnvironments.fromList([`aws://${options.account}/${options.region}`]),
      );
      const result = await toolkit.deploy(source, { stacks });
      const stack = result.stacks.find((s) => s.stackName === stackName) ?? result.stacks[0];
      if (!stack) throw new Error(`CDK deployed no stack named ${stackName}.`);
      return { stackName: stack.stackName, outputs: { ...stack.outputs } };
    },
    async destroy(options, progress) {
      const { lib, toolkit } = await open(progress);
      const { source, stacks } = await assembly(options, lib, toolkit);
      await toolkit.destroy(source, { stacks });
    },
  };
}
