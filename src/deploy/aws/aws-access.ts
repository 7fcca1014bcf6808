// Who `deploy aws` deploys as and where: the user's credentials (the SDK's default chain: env, profile, SSO)
// checked with STS before any work, and the region. Also the endpoints of the clients it uses after the stack
// is up, overridable (AGENT_CLAW_AWS_ENDPOINT_*) so tests point them at loopback fakes.
// Static SDK imports: the CLI loads this file on demand, and a split CommonJS module imported dynamically
// exposes only its default export in the bundle.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";

/** What the SDK clients take as credentials: the chain's provider (it refreshes expiring ones) or fixed keys. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** `deploy aws` cannot start: the message says what to do. */
export class DeployError extends Error {
  override readonly name = "DeployError";
}

export interface AwsIdentity {
  account: string;
  region: string;
  /** The caller's ARN (user or role), shown so the person deploying sees which account they are in. */
  arn: string;
  credentials: AwsKeys | (() => Promise<AwsKeys>);
}

export const NO_CREDENTIALS =
  "No AWS credentials found. Run `aws configure` (or `aws sso login --profile NAME`), or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run this again.";
export const NO_REGION =
  "No AWS region: pass --region (e.g. --region eu-west-1), set AWS_REGION, or give the profile a region (`aws configure set region eu-west-1`).";

/** The credentials and account of the person deploying. Contract: throws DeployError before any other AWS call. */
export async function awsIdentity(env: NodeJS.ProcessEnv, region?: string): Promise<AwsIdentity> {
  const profile = env.AWS_PROFILE?.trim() || undefined;
  const chain = fromNodeProviderChain(profile ? { profile } : {});
  try {
    await chain();
  } catch {
    throw new DeployError(NO_CREDENTIALS);
  }
  const sts = new STSClient({
    credentials: chain,
    ...(region && { region }),
    ...(profile && { profile }),
    ...(env.AGENT_CLAW_AWS_ENDPOINT_STS && { endpoint: env.AGENT_CLAW_AWS_ENDPOINT_STS }),
  });
  try {
    let resolved: string;
    try {
      resolved = await sts.config.region();
    } catch {
      throw new DeployError(NO_REGION);
    }
    if (!resolved) throw new DeployError(NO_REGION);
    const me = await sts.send(new GetCallerIdentityCommand({})).catch((error: Error) => {
      // An answer from STS means the keys were refused; no answer means AWS was not reached at all.
      const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      throw new DeployError(
        answered
          ? `AWS did not accept the credentials (${error.name}: ${error.message}). Refresh them (\`aws sso login\`, or new access keys), then run this again.`
          : `Could not reach AWS STS in ${resolved} (${error.message}). Check the network (or HTTPS_PROXY) and the region, then run this again.`,
      );
    });
    return { account: me.Account!, region: resolved, arn: me.Arn ?? "", credentials: chain };
  } finally {
    sts.destroy();
  }
}

/** The options for an SDK client of `service` ("secretsmanager", "scheduler", "s3", ...) for this identity. */
export function clientOptions(identity: AwsIdentity, env: NodeJS.ProcessEnv, service: string) {
  const endpoint =
    env[`AGENT_CLAW_AWS_ENDPOINT_${service.toUpperCase()}`]?.trim() || env.AGENT_CLAW_AWS_ENDPOINT?.trim();
  return {
    region: identity.region,
    credentials: identity.credentials,
    ...(endpoint && { endpoint }),
    ...(endpoint && service === "s3" && { forcePathStyle: true }),
  };
}
