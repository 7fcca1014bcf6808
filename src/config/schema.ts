// The config file's shape, as a zod schema: the one source for validation, defaults and the JSON Schema.
import { z } from "zod";
import { deliveryAddressSchema } from "../core/cron/cron-input.ts";
import { isTimeZone } from "../core/cron/zoned-time.ts";
import { memorySchema } from "./memory-schema.ts";
import { compactionSchema, contextWindowSchema } from "./compaction-schema.ts";
import { sessionResetByTypeSchema, sessionResetSchema } from "./session-reset-schema.ts";
import { limitsSchema, modelsSchema } from "./usage-schema.ts";

/** "provider/model", e.g. "anthropic/claude-sonnet-4-5", "ollama/llama3.2" or "openai-compatible/qwen3". */
export const modelRefSchema = z
  .string()
  .regex(
    /^(anthropic|openai|bedrock|openai-compatible|ollama)\/.+$/,
    'a model reference "provider/model" where provider is anthropic, openai, bedrock, openai-compatible or ollama',
  );

/** A provider's API key kept in config.json (the web UI's setup card writes it); its variable wins. */
const apiKeySchema = (variable: string) =>
  z
    .string()
    .regex(/^\S{8,500}$/, "the key as the provider shows it (8 to 500 characters, no spaces)")
    .optional()
    .describe(`The API key (${variable} overrides it). Masked wherever config is shown.`);

/** Further keys of a provider, tried after apiKey when a key is rate-limited or refused (see README, Failover). */
const apiKeysSchema = (variable: string) =>
  z
    .array(
      z.string().regex(/^\S{8,500}$/, "the key as the provider shows it (8 to 500 characters, no spaces)"),
    )
    .max(16, "at most 16 keys")
    .optional()
    .describe(
      `More keys, tried in order after apiKey when one is rate-limited, refused or out of credit (${variable}_2, ${variable}_3... replace them). Masked wherever config is shown.`,
    );

const execSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Offer the exec tool to the agent."),
    allowlist: z
      .array(z.string().min(1))
      .default([])
      .describe('Commands that run without asking: exact ("git status") or a prefix pattern ("git log *").'),
    timeoutSeconds: z.number().int().min(1).max(3600).default(60),
    maxOutputChars: z.number().int().min(1000).max(1_000_000).default(30_000),
    approvalTimeoutSeconds: z
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(120)
      .describe(
        "How long a command waits for approval in the web chat or Telegram; unanswered means denied.",
      ),
  })
  .strict();

const webFetchSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Offer the web_fetch tool to the agent."),
    maxChars: z.number().int().min(1000).max(1_000_000).default(50_000),
    timeoutSeconds: z.number().int().min(1).max(300).default(30),
  })
  .strict();

/** A tool profile or a list of tool names (see src/core/turn/tool-policy.ts). */
const toolSetSchema = z.union(
  [
    z.enum(["all", "standard", "chat", "none"]),
    z.array(z.string().regex(/^[a-z_]+$/, 'a tool name such as "read"')),
  ],
  { error: 'a profile ("all", "standard", "chat", "none") or a list of tool names like ["read", "list"]' },
);

const toolPolicySchema = z
  .object({
    approved: toolSetSchema
      .default("standard")
      .describe("Tools for approved senders (not the owner) in direct chats. standard: all but exec."),
    group: toolSetSchema
      .default("chat")
      .describe(
        "Tools in group chats, for everyone (the owner too). chat: read, list, web_fetch, memory_search, memory_get.",
      ),
    stranger: toolSetSchema
      .default("chat")
      .describe('Tools for senders nobody approved, in direct chats (dmPolicy "open").'),
    senders: z
      .record(
        z.string().regex(/^[a-z0-9_-]+:.+$/, 'a sender as "channel:id", e.g. "telegram:1001"'),
        toolSetSchema,
      )
      .default({})
      .describe(
        'Tools for one sender wherever they write, e.g. {"telegram:1001": "standard"}; wins over the rest.',
      ),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day "HH:MM", e.g. "08:00"');

const heartbeatSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("Check HEARTBEAT.md periodically. Empty HEARTBEAT.md: no model call is made."),
    everyMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30)
      .describe("Minutes between heartbeats."),
    activeHours: z
      .object({ start: hhmm, end: hhmm })
      .strict()
      .optional()
      .describe('Only beat between these times (agent.timezone), e.g. {"start": "08:00", "end": "22:00"}.'),
    model: modelRefSchema.optional().describe("A cheaper model for heartbeats (default: the assistant's)."),
    target: z
      .union([z.enum(["last", "none"]), deliveryAddressSchema])
      .default("last")
      .describe('Where alerts go: "last" (the chat the user last wrote from), "none", or {channel, chatId}.'),
    ackMaxChars: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(300)
      .describe("A HEARTBEAT_OK reply with at most this many other characters is not delivered."),
  })
  .strict();

const cronSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Run scheduled jobs (in the gateway)."),
    stuckMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(120)
      .describe("A run still going after this long is cleared and recorded as stuck."),
    chatJobsDeliverAnywhere: z
      .boolean()
      .default(false)
      .describe("Let jobs the agent makes from a chat deliver to other chats (default: only to that chat)."),
  })
  .strict();

const gatewaySchema = z
  .object({
    port: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(18_789)
      .describe("Port of the gateway (HTTP + WebSocket)."),
    bind: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .describe(
        "Address to listen on. Anything but loopback needs a token (AGENT_CLAW_GATEWAY_TOKEN or gateway.token).",
      ),
    token: z
      .string()
      .min(16, "at least 16 characters")
      .optional()
      .describe(
        "Bearer token for the API, the control protocol and hooks (AGENT_CLAW_GATEWAY_TOKEN overrides it).",
      ),
    trustLoopback: z
      .boolean()
      .default(false)
      .describe("Accept clients on this machine (127.0.0.1, ::1) without the token."),
    allowedOrigins: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Browser origins allowed to connect besides the gateway's own, e.g. https://claw.example.com.",
      ),
    allowedHosts: z
      .array(
        z
          .string()
          .regex(
            /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/,
            'a host name like "claw.example.com", or ".example.com" for it and all its subdomains (no scheme, port or *)',
          ),
      )
      .default([])
      .describe(
        "Host names the gateway answers to besides IP addresses, localhost and gateway.bind: a reverse proxy's or LAN name, e.g. claw.example.com.",
      ),
  })
  .strict();

export const telegramSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("Run the Telegram channel when a bot token is set (TELEGRAM_BOT_TOKEN or botToken)."),
    botToken: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "a bot token from @BotFather, like 123456:ABC-DEF...")
      .optional()
      .describe("The bot's token from @BotFather (TELEGRAM_BOT_TOKEN overrides it)."),
    apiRoot: z
      .url()
      // grammY joins paths onto it: "https://host/" would give "https://host//bot…".
      .overwrite((url) => url.replace(/\/+$/, ""))
      .default("https://api.telegram.org")
      .describe("Bot API server (TELEGRAM_API_ROOT overrides it): a self-hosted one, or a fake in tests."),
    mode: z
      .enum(["polling", "webhook"])
      .default("polling")
      .describe("Long polling (nothing to expose) or a webhook on the gateway's /telegram/webhook."),
    webhookUrl: z
      .url()
      .optional()
      .describe("The public https URL Telegram posts to, ending in /telegram/webhook (webhook mode)."),
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters of A-Z, a-z, 0-9, _ and -")
      .optional()
      .describe("Secret Telegram sends with each webhook call (default: one generated and kept in <home>)."),
    dmPolicy: z
      .enum(["pairing", "allowlist", "open"])
      .default("pairing")
      .describe(
        "Direct messages: unknown senders get a pairing code (pairing), only allowFrom (allowlist), or anyone (open).",
      ),
    allowFrom: z
      .array(z.string().regex(/^\d+$/, "a numeric Telegram user id"))
      .default([])
      .describe("Telegram user ids always allowed to talk to the assistant."),
    owners: z
      .array(z.string().regex(/^\d+$/, "a numeric Telegram user id"))
      .default([])
      .describe(
        "The owner's Telegram user ids: their direct chats are the main session, with every tool and MEMORY.md. Empty: the first id in allowFrom, else the first sender approved by pairing, written here once seen.",
      ),
    groups: z
      // A number too: `config set channels.telegram.groups '[-100777]'` is what people type.
      .array(
        z
          .union([z.string().regex(/^-?\d+$/, "a numeric Telegram chat id"), z.number().int()], {
            error: 'a numeric Telegram chat id, e.g. "-1001234567890"',
          })
          .transform(String),
      )
      .default([])
      .describe("Group chat ids the assistant takes part in (numbers or strings); other groups are ignored."),
    requireMention: z
      .boolean()
      .default(true)
      .describe("In groups, answer only when @mentioned or replied to."),
    streaming: z
      .boolean()
      .default(true)
      .describe("Show the reply as it is written by editing one message, then the final text."),
  })
  .strict();

/** The whole config file. Every key has a default, so "{}" is a valid config. */
export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path or URL of the JSON Schema, for editors."),
    model: modelRefSchema.optional().describe("The model the agent uses (AGENT_CLAW_MODEL overrides it)."),
    providers: z
      .object({
        anthropic: z
          .object({
            baseURL: z.url().optional(),
            apiKey: apiKeySchema("ANTHROPIC_API_KEY"),
            apiKeys: apiKeysSchema("ANTHROPIC_API_KEY"),
          })
          .strict()
          .default({}),
        openai: z
          .object({
            baseURL: z.url().optional(),
            apiKey: apiKeySchema("OPENAI_API_KEY"),
            apiKeys: apiKeysSchema("OPENAI_API_KEY"),
          })
          .strict()
          .default({}),
        bedrock: z
          .object({ region: z.string().min(1).optional() })
          .strict()
          .default({}),
        openaiCompatible: z
          .object({
            baseURL: z.url().optional().describe("Default: Ollama's http://127.0.0.1:11434/v1"),
            apiKey: apiKeySchema("OPENAI_COMPATIBLE_API_KEY"),
          })
          .strict()
          .default({}),
        ollama: z
          .object({
            baseURL: z
              .url()
              .optional()
              .describe("Default: http://127.0.0.1:11434/v1 (OLLAMA_HOST overrides it)"),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({ anthropic: {}, openai: {}, bedrock: {}, openaiCompatible: {}, ollama: {} })
      .describe(
        "Provider endpoints and keys. A provider's environment variable (ANTHROPIC_API_KEY, ...) wins over apiKey here.",
      ),
    agent: z
      .object({
        workspace: z
          .string()
          .min(1)
          .optional()
          .describe("The workspace folder (default: <home>/workspace); an OpenClaw workspace works as is."),
        timezone: z
          .string()
          .min(1)
          // Checked only when set: asking Intl loads ICU's zone data, which an idle gateway avoids.
          .refine(isTimeZone, 'an IANA time zone like "Europe/Berlin" or "America/New_York"')
          .optional()
          .describe("IANA time zone for the prompt (default: the system's)."),
        maxSteps: z.number().int().min(1).max(200).default(25).describe("Model calls allowed in one turn."),
        fallbacks: z
          .array(modelRefSchema)
          .max(8, "at most 8 fallback models")
          .refine((refs) => new Set(refs).size === refs.length, "each fallback model at most once")
          .optional()
          .describe(
            'Models tried in order when the model (and every key of its provider) is rate-limited, overloaded, unreachable or refused, e.g. ["openai/gpt-5-mini"].',
          ),
        bootstrapMaxChars: z
          .number()
          .int()
          .min(500)
          .max(500_000)
          .default(20_000)
          .describe("Largest part of one workspace file put into the system prompt."),
        imageInput: z
          .enum(["auto", "on", "off"])
          .default("auto")
          .describe(
            "Show the model the images people send (auto: for anthropic, openai and bedrock models; not for openai-compatible and ollama ones, which are often text-only).",
          ),
        contextWindow: contextWindowSchema,
        compaction: compactionSchema
          .default(compactionSchema.parse({}))
          .describe("Long conversations: when to summarise older messages, and what to keep."),
      })
      .strict()
      .default({
        maxSteps: 25,
        bootstrapMaxChars: 20_000,
        imageInput: "auto",
        compaction: compactionSchema.parse({}),
      }),
    session: z
      .object({
        dmScope: z
          .enum(["main", "per-peer", "per-channel-peer"])
          .default("main")
          .describe(
            "main: the owner's direct chats share the main session and everyone else gets their own; per-peer: one per sender; per-channel-peer: one per channel and sender.",
          ),
        reset: sessionResetSchema.default(sessionResetSchema.parse({})),
        resetByType: sessionResetByTypeSchema.optional(),
      })
      .strict()
      .default({ dmScope: "main", reset: sessionResetSchema.parse({}) }),
    gateway: gatewaySchema.default(gatewaySchema.parse({})),
    lanes: z
      .object({
        maxConcurrent: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(4)
          .describe("Sessions that may run turns at once."),
      })
      .strict()
      .default({ maxConcurrent: 4 }),
    channels: z
      .object({ telegram: telegramSchema.default(telegramSchema.parse({})) })
      .strict()
      .default({ telegram: telegramSchema.parse({}) }),
    models: modelsSchema
      .default({ prices: {} })
      .describe("Model prices for usage estimates (agent-claw usage)."),
    limits: limitsSchema
      .default({})
      .describe("Daily spending limits, checked before every model call; absent: no limit."),
    memory: memorySchema.default(memorySchema.parse({})),
    heartbeat: heartbeatSchema.default(heartbeatSchema.parse({})),
    cron: cronSchema.default(cronSchema.parse({})),
    tools: z
      .object({
        exec: execSchema.default(execSchema.parse({})),
        webFetch: webFetchSchema.default(webFetchSchema.parse({})),
        policy: toolPolicySchema
          .default(toolPolicySchema.parse({}))
          .describe("Which tools people other than the owner get; the owner's direct chats get them all."),
      })
      .strict()
      .default({
        exec: execSchema.parse({}),
        webFetch: webFetchSchema.parse({}),
        policy: toolPolicySchema.parse({}),
      }),
  })
  .strict();

/** The Telegram channel's settings with defaults filled in. */
export type TelegramConfig = z.infer<typeof telegramSchema>;

/** The validated config with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** The config as written in the file: everything optional. */
export type ConfigInput = z.input<typeof configSchema>;
