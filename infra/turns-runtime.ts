// The AgentCore Runtime that runs turns when turns = agentcore: an arm64 image built from the runtime
// bundle's Dockerfile, one microVM per chat session, with managed session storage for its workspace copy.
import { Duration, Fn } from "aws-cdk-lib";
import * as agentcore from "aws-cdk-lib/aws-bedrockagentcore";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import { Construct } from "constructs";

/**
 * A session idle this long is ended. 15 minutes (the service default): a chat that pauses longer pays
 * a cold start (a few seconds, with the "waking up" notice) instead of keeping a microVM's memory billed,
 * and the workspace is back in S3 after every turn, so nothing is lost when it ends.
 */
export const RUNTIME_IDLE_SECONDS = 900;
/** AgentCore's limit (8 h); the runner rotates its session ids at 7 h 30 min, before this ends them. */
export const RUNTIME_MAX_LIFETIME_SECONDS = 28_800;
/** Where managed session storage is mounted: the runtime's default AGENT_CLAW_RUNTIME_DIR when present. */
export const SESSION_STORAGE_PATH = "/mnt/session";

export interface TurnsRuntimeProps {
  /** The deployment name; the runtime is named "<name>_turns" (AgentCore allows letters, digits and _). */
  name: string;
  /** Docker context: the runtime bundle and its Dockerfile. */
  directory: string;
  environment: Record<string, string>;
}

export class TurnsRuntime extends Construct {
  readonly runtime: agentcore.Runtime;
  /** The runtime's CloudWatch log group (AgentCore names it after the runtime id and endpoint). */
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: TurnsRuntimeProps) {
    super(scope, id);
    this.runtime = new agentcore.Runtime(this, "Runtime", {
      runtimeName: `${props.name.replaceAll("-", "_")}_turns`,
      description: "agent-claw turns: one microVM per chat session (agent-claw runtime)",
      // AgentCore runs arm64 images only; the asset is built by the deploy, not by synth.
      agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromAsset(props.directory, {
        platform: Platform.LINUX_ARM64,
      }),
      environmentVariables: props.environment,
      lifecycleConfiguration: {
        idleRuntimeSessionTimeout: Duration.seconds(RUNTIME_IDLE_SECONDS),
        maxLifetime: Duration.seconds(RUNTIME_MAX_LIFETIME_SECONDS),
      },
    });
    // The L2 construct has no prop for it yet. Session storage is per session and survives a stop,
    // but a new runtime version resets it: the runtime refills its copy from S3 (the source of truth).
    const cfn = this.runtime.node.defaultChild as agentcore.CfnRuntime;
    cfn.filesystemConfigurations = [{ sessionStorage: { mountPath: SESSION_STORAGE_PATH } }];
    this.logGroupName = Fn.join("", [
      "/aws/bedrock-agentcore/runtimes/",
      this.runtime.agentRuntimeId,
      "-DEFAULT",
    ]);
  }
}
