// SSE frames from chunks cut anywhere: the frames come out the same however the bytes were split.
import { describe, expect, it } from "vitest";
import { createSseParser, type SseFrame } from "./sse-frames.ts";

const encode = (text: string) => new TextEncoder().encode(text);

function parse(chunks: Uint8Array[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createSseParser((frame) => frames.push(frame));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return frames;
}

const STREAM =
  'data: {"type":"text_delta","text":"Grüße … 👋"}\n\n' +
  ": keep-alive\n\n" +
  'event: error\r\ndata: {"message":"no",\r\ndata: "kind":"internal"}\r\n\r\n' +
  'id: 7\ndata:{"type":"result"}\n\n';

const EXPECTED: SseFrame[] = [
  { data: '{"type":"text_delta","text":"Grüße … 👋"}' },
  { event: "error", data: '{"message":"no",\n"kind":"internal"}' },
  { data: '{"type":"result"}' },
];

describe("createSseParser", () => {
  it("reads data and event lines, joins multi-line data, skips comments and ids", () => {
    expect(parse([encode(STREAM)])).toEqual(EXPECTED);
  });

  it("gives the same frames for every way of cutting the bytes in two, also inside a character or a \\r\\n", () => {
    const bytes = encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(EXPECTED);
    }
  });

  it("gives the same frames when every byte comes alone", () => {
    const bytes = encode(STREAM);
    expect(parse(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(EXPECTED);
  });

  it("drops a last frame that never got its blank line, and takes a lone \\r as a line end", () => {
    expect(parse([encode('data: {"a":1}\r\rdata: {"cut":"off"}\n')])).toEqual([{ data: '{"a":1}' }]);
  });
});
