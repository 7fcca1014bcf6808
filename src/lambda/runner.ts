// The runner Lambda (SQS FIFO event source, ReportBatchItemFailures on): runs the turns of one batch and
// reports what it could not settle. Ports, clients and the assistant are built once per cold start.
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { coldStart } from "../engines/aws/aws-engine.ts";
import { openAwsRunner } from "../engines/aws/runner-engine.ts";

const runner = coldStart(() => openAwsRunner(process.env));

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  return (await runner()).handle(event);
}
