// What `agent-claw deploy aws` asks the CDK app for: which stack, under which name, where turns run and where
// the built artifacts are. Checked with zod, so a bad name fails before CloudFormation would reject it.
import { z } from "zod";

/** The deployment name: part of the stack name, the secret's name, the schedule group and the runtime's name. */
const nameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9-]{0,39}$/,
    "must start with a letter and hold 1 to 40 of A-Z, a-z, 0-9 and - (it names the stack, the secret and the schedule group)",
  );

export const deployOptionsSchema = z
  .object({
    stack: z.enum(["serverless", "fargate"]),
    name: nameSchema.default("agent-claw"),
    /** Where turns run (serverless stack only): in the runner Lambda, or in AgentCore Runtime. */
    turns: z.enum(["lambda", "agentcore"]).default("lambda"),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "is not a region (like eu-west-1)")
      .optional(),
    account: z
      .string()
      .regex(/^\d{12}$/, "is not an account id (12 digits)")
      .optional(),
    /** dist/lambda: ingest.mjs, runner.mjs and schedule.mjs. */
    lambdaDir: z.string().min(1),
    /** The AgentCore Runtime image's Docker context: the runtime bundle and its Dockerfile (turns = agentcore). */
    runtimeDir: z.string().min(1),
    /** The gateway image's Docker context: the package root holding bin/, dist/ and dist/gateway/Dockerfile. */
    gatewayDir: z.string().min(1).optional(),
    /** Where alarms are e-mailed (SNS asks the address to confirm). */
    alarmEmail: z.email().optional(),
    fargate: z
      .object({
        /** An ACM certificate for domainName: with it, an HTTPS load balancer and Telegram by webhook. */
        certificateArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:acm:/, "is not an ACM certificate ARN")
          .optional(),
        /** The name the certificate covers; point it (CNAME) at the LoadBalancerDnsName output. */
        domainName: z
          .string()
          .regex(/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/, "is not a domain name")
          .optional(),
      })
      .refine((f) => !f.certificateArn || f.domainName, {
        message:
          "a certificate needs the domainName it covers: Telegram checks the name, and the load balancer's own name is not on the certificate",
        path: ["domainName"],
      })
      .optional(),
  })
  .refine((o) => o.stack !== "fargate" || o.gatewayDir, {
    message:
      "the fargate stack needs gatewayDir (the package root holding bin/, dist/ and dist/gateway/Dockerfile)",
    path: ["gatewayDir"],
  });

/** The options as given (defaults may be left out). */
export type DeployOptionsInput = z.input<typeof deployOptionsSchema>;
/** The options once checked, with defaults. */
export type DeployOptions = z.output<typeof deployOptionsSchema>;

/** The CloudFormation stack name for the options: "<name>-serverless" or "<name>-fargate". */
export const stackName = (options: Pick<DeployOptions, "name" | "stack">) =>
  `${options.name}-${options.stack}`;

/**
 * Checks the options. Contract: throws an Error naming every problem and the option it concerns.
 */
export function parseDeployOptions(input: DeployOptionsInput): DeployOptions {
  const parsed = deployOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join(".") || "options"} ${issue.message}`,
  );
  throw new Error(`Cannot build the AWS stacks: ${problems.join("; ")}.`);
}
