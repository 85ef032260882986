// Process names and command lines are anyone's to choose: they must not drive the terminal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneLine, printable } from '../../main/cli/output/printable.js';

describe('printable', () => {
  it('writes out escape sequences, carriage returns and bells, keeping our own colours on a terminal', () => {
    const hostile = '\x1b[31mRED\x1b]0;pwned\x07\rFAKE\x1b[2J\x9b1m';
    expect(printable(hostile, false)).toBe('\\u001b[31mRED\\u001b]0;pwned\\u0007\\u000dFAKE\\u001b[2J\\u009b1m');
    // On a terminal, SGR colour sequences stay (Porthole's style writes them); nothing else does.
    expect(printable(`\x1b[1mbold\x1b[22m ${hostile}`, true)).toBe('\x1b[1mbold\x1b[22m \x1b[31mRED\\u001b]0;pwned\\u0007\\u000dFAKE\\u001b[2J\\u009b1m');
    expect(printable('tabs\tand\nlines stay', false)).toBe('tabs\tand\nlines stay');
  });

  it('leaves JSON valid and its values unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const line = printable(JSON.stringify({ command: s }), false);
        expect(JSON.parse(line)).toEqual({ command: s });
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });

  it('puts a multi-line command on one line, with every control character written out', () => {
    expect(oneLine('node -e "a\nb\r\nc\rd"')).toBe('node -e "a\\nb\\nc\\rd"');
    expect(oneLine('\x1b[8mhidden\x1b[0m\ttab')).toBe('\\u001b[8mhidden\\u001b[0m\ttab');
  });
});
