// `config get/set/unset`: dotted keys into the config file, validated before anything is written.
import { writeFileAtomic } from "../util/atomic-write.ts";
import { PRIVATE_FILE_MODE } from "../util/private-files.ts";
import { ConfigError } from "./errors.ts";
import { readRawConfig, validateConfig } from "./load.ts";
import { isSecretKey } from "./secrets.ts";
import type { Config } from "./schema.ts";

const SAFE_KEY = /^[A-Za-z_$][\w$-]*$/;

export function splitKey(key: string): string[] {
  const parts = key.split(".");
  for (const part of parts) {
    if (!SAFE_KEY.test(part) || part === "__proto__" || part === "constructor" || part === "prototype") {
      throw new ConfigError(
        `"${key}" is not a config key; keys look like "model" or "tools.exec.allowlist".`,
      );
    }
  }
  return parts;
}

/** The value at a dotted key, or undefined. */
export function getAtKey(config: unknown, key: string): unknown {
  let node = config;
  for (const part of splitKey(key)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A copy of `raw` with `key` set to `value` (undefined removes it), creating objects on the way. */
export function withKey(raw: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const parts = splitKey(key);
  const copy = structuredClone(raw);
  let node: Record<string, unknown> = copy;
  const chain = [copy];
  for (const [i, part] of parts.slice(0, -1).entries()) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (next === null || typeof next !== "object" || Array.isArray(next)) {
      const held = isSecretKey(parts.slice(0, i + 1).join(".")) ? "a secret" : JSON.stringify(next);
      throw new ConfigError(`Cannot set "${key}": "${part}" holds ${held}, not an object.`);
    }
    node = node[part] as Record<string, unknown>;
    chain.push(node);
  }
  const last = parts.at(-1)!;
  if (value !== undefined) {
    node[last] = value;
    return copy;
  }
  delete node[last];
  // Removing the last key of a section removes the section too: no `"agent": {}` left behind.
  for (let depth = parts.length - 1; depth > 0 && Object.keys(chain[depth]!).length === 0; depth--) {
    delete chain[depth - 1]![parts[depth - 1]!];
  }
  return copy;
}

/** A CLI value: JSON when it parses (numbers, booleans, arrays), otherwise the plain string. */
export function parseCliValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sets (or with value undefined, removes) keys in the config file: one key and value, or a patch of
 * dotted keys to values applied together. The whole result is validated first; an invalid result
 * throws and the file is left as it was.
 */
export async function updateConfigFile(
  file: string,
  key: string | Record<string, unknown>,
  value?: unknown,
): Promise<Config> {
  const patch = typeof key === "string" ? { [key]: value } : key;
  let next = await readRawConfig(file);
  for (const [k, v] of Object.entries(patch)) next = withKey(next, k, v);
  const what = Object.keys(patch)
    .map((k) => `"${k}"`)
    .join(", ");
  const config = validateConfig(next, `Setting ${what} in ${file}`);
  // Always private: the file may now hold a token, even if an older version left it readable.
  await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  return config;
}
