// Secrets Manager's GetSecretValue for secrets-env.ts. Its own file, loaded with a dynamic import, so the
// client loads only when a secret is configured; the SDK is imported statically here because a split
// CommonJS module imported dynamically exposes only its default export in the bundle.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretReader } from "./secrets-env.ts";

export function sdkSecretReader(options: {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}): SecretReader {
  return {
    async getSecretString(arn) {
      const client = new SecretsManagerClient(options);
      try {
        return (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
      } finally {
        client.destroy();
      }
    },
  };
}
