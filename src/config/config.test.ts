import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCliValue, updateConfigFile } from "./edit.ts";
import { ConfigError } from "./errors.ts";
import { configJsonSchema } from "./json-schema.ts";
import { loadConfig } from "./load.ts";
import { resolvePaths } from "./paths.ts";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "ac-config-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const paths = () => resolvePaths({ AGENT_CLAW_HOME: home });

describe("config", () => {
  it("gives every default when there is no file", async () => {
    const config = await loadConfig(paths(), {});
    expect(config.model).toBeUndefined();
    expect(config.session.dmScope).toBe("main");
    expect(config.agent.maxSteps).toBe(25);
    expect(config.tools.exec.allowlist).toEqual([]);
  });

  it("lets AGENT_CLAW_MODEL override the file, and rejects a malformed one by name", async () => {
    await writeFile(paths().configFile, JSON.stringify({ model: "openai/gpt-5-mini" }));
    expect((await loadConfig(paths(), { AGENT_CLAW_MODEL: "anthropic/claude-x" })).model).toBe(
      "anthropic/claude-x",
    );
    await expect(loadConfig(paths(), { AGENT_CLAW_MODEL: "gpt-4" })).rejects.toThrow(
      /AGENT_CLAW_MODEL="gpt-4" is not valid/,
    );
    // What Ollama users write.
    expect((await loadConfig(paths(), { AGENT_CLAW_MODEL: "ollama/llama3.2" })).model).toBe(
      "ollama/llama3.2",
    );
  });

  it("takes a Telegram API root with a trailing slash, from the file or TELEGRAM_API_ROOT", async () => {
    await writeFile(
      paths().configFile,
      JSON.stringify({ channels: { telegram: { apiRoot: "http://127.0.0.1:8081/" } } }),
    );
    expect((await loadConfig(paths(), {})).channels.telegram.apiRoot).toBe("http://127.0.0.1:8081");
    const fromEnv = await loadConfig(paths(), { TELEGRAM_API_ROOT: "http://127.0.0.1:9000//" });
    expect(fromEnv.channels.telegram.apiRoot).toBe("http://127.0.0.1:9000");
  });

  it("names the file, the key and what is expected for a wrong value", async () => {
    await writeFile(
      paths().configFile,
      JSON.stringify({ session: { dmScope: "everyone" }, agent: { maxSteps: "ten" } }),
    );
    const error = await loadConfig(paths(), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(paths().configFile);
    expect(message).toMatch(
      /session\.dmScope: .*"main"\|"per-peer"\|"per-channel-peer" \(found "everyone"\)/,
    );
    expect(message).toMatch(/agent\.maxSteps: expected number, received string/);
  });

  it("reports unknown keys and JSON syntax errors with their place", async () => {
    await writeFile(paths().configFile, JSON.stringify({ sesion: {} }));
    await expect(loadConfig(paths(), {})).rejects.toThrow(/unknown key "sesion"/);
    await writeFile(paths().configFile, '{\n  "model": "openai/x",\n  oops\n}');
    await expect(loadConfig(paths(), {})).rejects.toThrow(/not valid JSON at line 3/);
  });

  it("sets and removes keys, writing only valid results", async () => {
    const file = paths().configFile;
    await updateConfigFile(file, "model", parseCliValue("openai-compatible/llama3.2"));
    await updateConfigFile(file, "tools.exec.allowlist", parseCliValue('["git status"]'));
    await updateConfigFile(file, "agent.maxSteps", parseCliValue("40"));
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      model: "openai-compatible/llama3.2",
      tools: { exec: { allowlist: ["git status"] } },
      agent: { maxSteps: 40 },
    });
    const before = await readFile(file, "utf8");
    await expect(updateConfigFile(file, "agent.maxSteps", parseCliValue("-3"))).rejects.toThrow(
      /agent\.maxSteps: Too small/,
    );
    await expect(updateConfigFile(file, "nonsense.key", 1)).rejects.toThrow(/unknown key "nonsense"/);
    await expect(updateConfigFile(file, "__proto__.x", 1)).rejects.toThrow(/not a config key/);
    expect(await readFile(file, "utf8")).toBe(before);
    // Removing a section's last key removes the section: no "agent": {} left behind.
    await updateConfigFile(file, "agent.maxSteps", undefined);
    await updateConfigFile(file, "tools.exec.allowlist", undefined);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ model: "openai-compatible/llama3.2" });
  });

  it("refuses a time zone that does not exist, and takes real ones", async () => {
    const file = paths().configFile;
    await expect(updateConfigFile(file, "agent.timezone", "Mars/Olympus")).rejects.toThrow(
      /agent\.timezone: an IANA time zone like "Europe\/Berlin".* \(found "Mars\/Olympus"\)/,
    );
    await updateConfigFile(file, "agent.timezone", "America/Argentina/Buenos_Aires");
    expect((await loadConfig(paths(), {})).agent.timezone).toBe("America/Argentina/Buenos_Aires");
  });

  it("never echoes a rejected secret", async () => {
    const file = paths().configFile;
    const error = await updateConfigFile(file, "gateway.token", "short-secret").catch((e: Error) => e);
    expect((error as Error).message).toMatch(/gateway\.token: at least 16 characters/);
    expect((error as Error).message).not.toContain("short-secret");
    await updateConfigFile(file, "gateway.token", "a-long-enough-gateway-token");
    const nested = await updateConfigFile(file, "gateway.token.x", 1).catch((e: Error) => e);
    expect((nested as Error).message).toBe(
      'Cannot set "gateway.token.x": "token" holds a secret, not an object.',
    );
  });

  it("leaves a broken file untouched when a set is attempted", async () => {
    const file = paths().configFile;
    await writeFile(file, "{ broken");
    await expect(updateConfigFile(file, "model", "openai/x")).rejects.toThrow(/not valid JSON/);
    expect(await readFile(file, "utf8")).toBe("{ broken");
  });

  it("exports a JSON Schema that describes the keys and their defaults", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(schema.properties.model).toMatchObject({ type: "string" });
    expect(schema.properties.session?.properties?.dmScope).toMatchObject({
      enum: ["main", "per-peer", "per-channel-peer"],
      default: "main",
    });
  });
});
