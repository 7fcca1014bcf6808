// Untrusted text (a Telegram name, a model's error) made safe for one log line or a terminal: line
// breaks could forge a second log line and escape sequences could recolour or rewrite the screen.

// C0 controls but tab, DEL, C1 controls, and the Unicode line and paragraph separators.
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;

/** Line breaks become one space; other control characters (escape sequences' ESC too) are dropped. */
export function stripControlChars(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(CONTROLS, "");
}

/**
 * For text printed as a block (a transcript's messages): its line breaks stay, as "\n", but a
 * carriage return cannot overwrite a line and an escape sequence cannot reach the terminal.
 */
export function stripTerminalControls(text: string): string {
  return text.replace(LINE_BREAKS, "\n").replace(CONTROLS, "");
}
