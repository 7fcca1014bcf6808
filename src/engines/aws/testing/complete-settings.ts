// A complete, valid set of the aws engine's environment variables, for tests that check what the
// handlers make of their environment (each test removes or spoils the variables it is about).
export const COMPLETE_AWS_SETTINGS = {
  AWS_REGION: "eu-west-1",
  AGENT_CLAW_AWS_TABLE: "agent-claw-state",
  AGENT_CLAW_AWS_BUCKET: "agent-claw-bucket",
  AGENT_CLAW_AWS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/intake.fifo",
  AGENT_CLAW_AWS_SCHEDULE_GROUP: "agent-claw",
  AGENT_CLAW_AWS_SCHEDULE_TARGET_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:agent-claw-schedule",
  AGENT_CLAW_AWS_SCHEDULE_ROLE_ARN: "arn:aws:iam::123456789012:role/agent-claw-scheduler",
} as const;
