// Server-sent events as the runtime writes them, cut into frames from a byte stream whose chunks fall
// anywhere: mid-line, mid-frame, between the \r and \n of a line end, or inside a UTF-8 character.

/** One dispatched event: its `event:` name (absent: a plain message) and its `data:` lines joined. */
export interface SseFrame {
  event?: string;
  data: string;
}

export interface SseParser {
  /** Feeds the next chunk; calls onFrame for every frame it completes, in order. */
  push(chunk: Uint8Array): void;
  /** The stream ended: a last frame without its blank line is dropped, as the SSE standard says. */
  end(): void;
}

export function createSseParser(onFrame: (frame: SseFrame) => void): SseParser {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: string | undefined;
  let data: string[] = [];

  const line = (text: string) => {
    if (text === "") {
      if (data.length > 0) onFrame({ ...(event !== undefined && { event }), data: data.join("\n") });
      event = undefined;
      data = [];
      return;
    }
    if (text.startsWith(":")) return; // a comment (a keep-alive)
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    // id: and retry: matter to a browser reconnecting; this client never reconnects mid-turn.
  };

  const drain = (final: boolean) => {
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      if (end === -1) return;
      // A \r at the end of what has come may be the first half of \r\n: wait for the next chunk.
      if (buffer[end] === "\r" && end === buffer.length - 1 && !final) return;
      const width = buffer.startsWith("\r\n", end) ? 2 : 1;
      line(buffer.slice(0, end));
      buffer = buffer.slice(end + width);
    }
  };

  return {
    push(chunk) {
      buffer += decoder.decode(chunk, { stream: true });
      drain(false);
    },
    end() {
      buffer += decoder.decode();
      drain(true);
    },
  };
}
