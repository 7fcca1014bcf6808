// The runner's answer to Lambda: an unsettled record and every later record of its group are reported,
// so that Lambda deletes none of them and a group's order holds (through fauxqs a batch never holds two
// messages of one group, so this is the only place that case is exercised).
import type { SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { batchItemFailures, deliveryOf } from "./runner-engine.ts";

const record = (id: string, group: string, receiveCount = "1"): SQSRecord => ({
  messageId: `m-${id}`,
  receiptHandle: `r-${id}`,
  body: JSON.stringify({ group: `session:${group}`, dedupeId: `telegram:default:${id}`, body: { id } }),
  attributes: {
    ApproximateReceiveCount: receiveCount,
    SentTimestamp: "1",
    SenderId: "0",
    ApproximateFirstReceiveTimestamp: "1",
    MessageGroupId: group,
    MessageDeduplicationId: `telegram:default:${id}`,
  },
  messageAttributes: {},
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:intake.fifo",
  awsRegion: "us-east-1",
});

describe("batchItemFailures", () => {
  const batch = [record("1", "a"), record("2", "b"), record("3", "a"), record("4", "b"), record("5", "c")];

  it("reports nothing when every record was settled", () => {
    expect(batchItemFailures(batch, new Set())).toEqual({ batchItemFailures: [] });
  });

  it("reports an unsettled record with the later records of its group, and no other group's", () => {
    expect(batchItemFailures(batch, new Set(["r-1"]))).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-1" }, { itemIdentifier: "m-3" }],
    });
    expect(batchItemFailures(batch, new Set(["r-4", "r-5"]))).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-4" }, { itemIdentifier: "m-5" }],
    });
  });
});

describe("deliveryOf", () => {
  it("reads the queue adapter's envelope and the receive count from a Lambda record", () => {
    expect(deliveryOf(record("7", "a", "3"))).toEqual({
      receipt: "r-7",
      group: "session:a",
      dedupeId: "telegram:default:7",
      body: { id: "7" },
      attempts: 3,
    });
  });
});
