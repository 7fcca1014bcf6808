// Stack outputs under fixed keys: `deploy aws` and doctor read them by these names after a deploy.
import { CfnOutput } from "aws-cdk-lib";
import type { Construct } from "constructs";

/** Adds output `key` (its logical id is the key itself, whatever construct holds it). */
export function output(scope: Construct, key: string, value: string, description: string): CfnOutput {
  const out = new CfnOutput(scope, key, { value, description });
  out.overrideLogicalId(key);
  return out;
}
