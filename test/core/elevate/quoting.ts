// Test-side readers for the quoted text our builders produce: each is written from the target
// language's rules, independently of the quoting code, so a round trip through both proves the
// quoting rather than echoing it.

/** Reads one AppleScript string literal starting at `from` (a double quote). */
export function readAppleScriptString(text: string, from: number): { value: string; end: number } {
  if (text[from] !== '"') throw new Error(`no string literal at ${from}`);
  let value = '';
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const n = text[++i];
      const escapes: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };
      if (n === undefined || !(n in escapes)) throw new Error(`bad escape \\${n ?? ''}`);
      value += escapes[n];
    } else value += c;
  }
  throw new Error('unterminated AppleScript string');
}

const PS_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

/** Reads one PowerShell single-quoted string starting at `from`: any single-quote character closes it, two in a row stand for one. */
export function readPsSingleQuoted(text: string, from: number): { value: string; end: number } {
  if (!PS_QUOTES.has(text[from]!)) throw new Error(`no single-quoted string at ${from}`);
  let value = '';
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i]!;
    if (PS_QUOTES.has(c)) {
      if (PS_QUOTES.has(text[i + 1] ?? '')) {
        value += c;
        i++;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
  }
  throw new Error('unterminated PowerShell string');
}

export function decodePowerShell(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf16le');
}
