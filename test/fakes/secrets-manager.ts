// A fake AWS Secrets Manager on 127.0.0.1 speaking its awsJson1.1 protocol (POST /, X-Amz-Target:
// secretsmanager.<Operation>): the real @aws-sdk/client-secrets-manager talks to it through `endpoint`.
// Secrets by ARN or name; Get/PutSecretValue, DescribeSecret, DeleteSecret; access can be denied per secret.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "../../src/util/listen-loopback.ts";

export interface SecretsManagerFake {
  /** The endpoint for the SDK client (`endpoint`). */
  readonly url: string;
  /** Creates (or replaces) a secret and returns its ARN; `value` undefined: a secret with no version yet. */
  put(name: string, value?: string): string;
  /** The current SecretString of a secret (by ARN or name), or undefined. */
  value(id: string): string | undefined;
  /** Every call, operation and SecretId, oldest first. */
  readonly calls: Array<{ operation: string; secretId: string }>;
  /** Calls on this secret (ARN or name) answer AccessDeniedException from now on. */
  deny(id: string): void;
  close(): Promise<void>;
}

interface Secret {
  arn: string;
  name: string;
  value?: string;
  versions: number;
}

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";

export async function startSecretsManagerFake(): Promise<SecretsManagerFake> {
  const secrets = new Map<string, Secret>();
  const denied = new Set<string>();
  const calls: SecretsManagerFake["calls"] = [];
  const find = (id: string) => secrets.get(id) ?? [...secrets.values()].find((s) => s.name === id);

  const answer = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, {
      "content-type": "application/x-amz-json-1.1",
      ...(errorType && { "x-amzn-errortype": errorType }),
    });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string) =>
    answer(res, status, { __type: type, message }, type);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^secretsmanager\./, "");
    let input: { SecretId?: string; SecretString?: string };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as typeof input;
    } catch {
      return error(res, 400, "SerializationException", "the body is not JSON");
    }
    const secretId = input.SecretId ?? "";
    calls.push({ operation, secretId });
    const secret = find(secretId);
    if (!secret || (operation === "GetSecretValue" && secret.value === undefined)) {
      return error(res, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    if (denied.has(secret.arn)) {
      return error(res, 400, "AccessDeniedException", `not authorized to perform ${target} on ${secret.arn}`);
    }
    switch (operation) {
      case "GetSecretValue":
        return answer(res, 200, {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: `v${secret.versions}`,
          VersionStages: ["AWSCURRENT"],
          CreatedDate: Date.now() / 1000,
        });
      case "PutSecretValue":
        if (typeof input.SecretString !== "string") {
          return error(res, 400, "InvalidParameterException", "SecretString is required");
        }
        secret.value = input.SecretString;
        secret.versions += 1;
        return answer(res, 200, {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: `v${secret.versions}`,
          VersionStages: ["AWSCURRENT"],
        });
      case "DeleteSecret":
        secrets.delete(secret.arn);
        return answer(res, 200, { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 });
      case "DescribeSecret":
        return answer(res, 200, { ARN: secret.arn, Name: secret.name });
      default:
        return error(res, 400, "UnknownOperationException", `the fake does not serve ${target}`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => error(res, 500, "InternalServiceError", String(failure)));
  });
  const origin = await listenOnLoopback(server);

  return {
    url: origin,
    calls,
    put(name, value) {
      const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
      secrets.set(arn, {
        arn,
        name,
        ...(value !== undefined && { value }),
        versions: value === undefined ? 0 : 1,
      });
      return arn;
    },
    value: (id) => find(id)?.value,
    deny(id) {
      const secret = find(id);
      if (secret) denied.add(secret.arn);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
