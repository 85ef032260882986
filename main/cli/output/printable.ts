// What any process can put in its name or command line must not drive the terminal that shows it:
// an escape sequence can recolour, retitle or clear the screen, and a carriage return can make a
// line of `sudo porthole` output say something else. Every line the command prints passes here.

/** C0 controls but tab and newline, ESC, DEL and the C1 controls (0x9b is CSI to some terminals). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]|\u001b(?!\[[0-9;]*m)/g;
const ALL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with each control character written out as \u00XX, which reads plainly and stays valid
 * inside a JSON string (where JSON.stringify leaves DEL and C1 raw). `keepColour`: leave SGR
 * sequences (ESC [ ... m), the only ones Porthole's own styling writes, when stdout is a terminal.
 */
export function printable(text: string, keepColour: boolean): string {
  return text.replace(keepColour ? CONTROLS : ALL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A process's name, command line or folder as one inert field: its line breaks written out as \n,
 * and every other control character too, colours included (printable() lets SGR through on a
 * terminal, since it cannot tell a process's from Porthole's own once they share a line).
 */
export function oneLine(text: string): string {
  return printable(
    text.replace(/\r?\n|\r/g, (m) => (m === '\r' ? '\\r' : '\\n')),
    false,
  );
}
