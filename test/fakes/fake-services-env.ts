// The environment that points an assistant (gateway, CLI or aws dev) at the fake model and the fake
// Bot API on loopback, so every world and bench sets the same four variables the same way.

/** The variables: the model is the OpenAI-compatible fake at `modelUrl`, Telegram the fake Bot API. */
export function fakeServicesEnv(
  modelUrl: string,
  telegram: { token: string; url: string },
): Record<string, string> {
  return {
    AGENT_CLAW_MODEL: "openai-compatible/fake",
    OPENAI_COMPATIBLE_BASE_URL: modelUrl,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
  };
}
