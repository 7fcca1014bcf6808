// A fake model in a process of its own, answering every request with "re: <last user text>", so
// that a bench's load generator does not share its event loop with the model's streaming replies.
// Prints its base URL on stdout, then serves until it is killed.
import type { RecordedRequest } from "../test/fakes/model-script.ts";
import { startOpenAIChatFake } from "../test/fakes/openai-chat-server.ts";

const turns = Number(process.argv[2] ?? 10_000);
const model = await startOpenAIChatFake({ record: false, onExhausted: "text" });
model.script(
  Array.from({ length: turns }, () => (request: RecordedRequest) => ({
    text: `re: ${request.lastUserText}`,
  })),
);
process.stdout.write(`${model.url}\n`);
