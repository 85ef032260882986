// Quoting for the three places an argument crosses a parser on its way to the elevated collector:
// a POSIX shell (macOS's `do shell script`), an AppleScript string literal around that shell text,
// and a PowerShell single-quoted string. Each function quotes every argument, even "safe" ones:
// one rule with no exceptions is easier to prove right than a rule plus a fast path.

/** Thrown for an argument that no quoting can carry (a NUL byte ends a C string early). */
export class UnquotableError extends Error {
  override name = 'UnquotableError';
}

function refuseNul(text: string, where: string): void {
  if (text.includes('\0')) throw new UnquotableError(`${where}: an argument contains a NUL byte`);
}

/**
 * A POSIX shell word that stands for exactly `text`. Inside single quotes nothing is special
 * ($, `, \, ", newlines included); a single quote itself closes, escapes and reopens: ' -> '\''.
 */
export function shQuote(text: string): string {
  refuseNul(text, 'shell');
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * An AppleScript string literal. AppleScript reads \" \\ \n \t \r as escapes, so escaping every
 * backslash and double quote leaves nothing else for it to interpret; raw newlines are allowed.
 */
export function appleScriptString(text: string): string {
  refuseNul(text, 'AppleScript');
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * A PowerShell single-quoted string. PowerShell's tokenizer treats the typographic quotes
 * U+2018..U+201B as single quotes too, so each of them must be doubled like ' itself, or a path
 * containing ’ would end the string early.
 */
export function psQuote(text: string): string {
  refuseNul(text, 'PowerShell');
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** `powershell -EncodedCommand` takes base64 of UTF-16LE: no further quoting on the command line. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}
