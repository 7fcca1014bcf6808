// The bodies the runner sends a runtime, for one message from the owner (Ada, in her Telegram DM).

let counter = 0;

/** The queued job for one message (a bare turn job, as the runtime also takes it). */
export function ownerJob(text: string, id = `telegram:default:${++counter}`) {
  return {
    id,
    sessionKey: "agent:main:main",
    message: {
      id,
      channel: "telegram",
      account: "default",
      chat: { id: "1001", kind: "dm" },
      sender: { id: "1001", name: "Ada" },
      text,
      at: Date.UTC(2026, 11, 7, 9, 0, 0),
    },
    channel: {
      channel: "telegram",
      chatKind: "dm",
      description: "Telegram chat with Ada",
      interactive: false,
    },
  };
}

/** The runner's body for a job (toTurnInvocation's shape: `{ turn }`). */
export function asTurn(job: ReturnType<typeof ownerJob>) {
  return {
    turn: {
      sessionKey: job.sessionKey,
      messages: [job.message],
      channel: job.channel,
      turnIds: [job.id],
      trust: [{ level: "owner" }],
    },
  };
}

/** The runner's body for one new message from the owner. */
export const ownerTurn = (text: string, id?: string) => asTurn(ownerJob(text, id));
