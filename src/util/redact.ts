// Keeps secrets out of anything printed or stored: values of secret-looking environment variables,
// configured secrets, and common token shapes (bearer headers, API keys) are replaced with [redacted].

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|SESSION)/i;
const TOKEN_SHAPES = [
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g, // OpenAI / Anthropic keys
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\b\d{6,12}:[A-Za-z0-9_-]{30,}\b/g, // Telegram bot tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack tokens
];
// A provider echoing request headers: keep the header's name, hide what follows it. A value must
// hold a digit, so prose ("a Basic understanding", "authorization: required") stays as written.
const HEADER_VALUES = [
  /\b(Bearer|bearer|BEARER|Basic|basic|BASIC)(\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/g,
  /\b(x-api-key|api[_-]?key|authorization|x-goog-api-key)(["']?\s*[:=]\s*["']?)(?!\[redacted\]|Bearer\b|Basic\b)(?=[^\s"',;()<>\][}{]*\d)[^\s"',;()<>\][}{]{8,}/gi,
];

/** The values worth hiding from this environment (at least 8 characters, so short values never blank out text). */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string" && value.length >= 8)
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, whoever gathered them: a secret containing another must not leave its tail behind.
  const longestFirst = secrets.filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) out = out.split(secret).join("[redacted]");
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, "[redacted]");
  for (const shape of HEADER_VALUES) out = out.replace(shape, "$1$2[redacted]");
  return out;
}
