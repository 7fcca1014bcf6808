// The ingest Lambda (API Gateway HTTP API, payload 2.0): routes POST /<channel>/webhook to the channel,
// which checks the platform's secret before reading the body, queues the update durably and answers
// 200 only then; 5xx when it could not, so the platform sends the update again.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { unknownChannel } from "../channels/registry.ts";
import { coldStart, openAwsEngine } from "../engines/aws/aws-engine.ts";
import { createAwsIntakePorts } from "../engines/aws/intake-ports.ts";

// Intake needs no workspace and no Scheduler: their clients stay out of this bundle (cold start).
const engine = coldStart(() => openAwsEngine(process.env, { ports: createAwsIntakePorts }));

const text = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body,
});

/** A body that is not JSON: the caller's fault (400). Its own class, since the AWS SDK throws SyntaxError too. */
class BodyNotJson extends Error {}

/** The request body as JSON; API Gateway base64-encodes bodies it does not take for text. */
function parseBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(raw ?? "");
  } catch {
    throw new BodyNotJson();
  }
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const route = /^\/([a-z0-9_-]+)\/webhook\/?$/.exec(event.rawPath);
  if (!route) return text(404, "not found: webhooks are taken at POST /<channel>/webhook");
  if (event.requestContext.http.method !== "POST") return text(405, "method not allowed: use POST");
  const { channels, log } = await engine();
  const channel = channels.get(route[1]!);
  if (!channel) {
    const unknown = unknownChannel(route[1]!, channels);
    return text(unknown.status, unknown.text);
  }
  const headers = new Headers(
    Object.entries(event.headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  try {
    const answer = await channel.webhook(headers, async () => parseBody(event));
    return text(answer.status, answer.text);
  } catch (error) {
    if (error instanceof BodyNotJson) return text(400, "bad request: the body is not JSON");
    // Not durable: the platform retries on a 5xx, and the dedupe id keeps the retry from doubling it.
    log("error", `${channel.id} webhook failed: ${(error as Error).message}`);
    return text(503, "not accepted, try again");
  }
}
