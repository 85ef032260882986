// Column alignment for the terminal tables: what people read, and what `awk` splits when piped.
import { describe, expect, it } from 'vitest';
import { alignColumns, createStyle, visibleLength } from '../../main/cli/output/style.js';

describe('alignColumns', () => {
  it('pads every column but the last to its widest cell plus the gap', () => {
    expect(alignColumns([['tcp4', '127.0.0.1:3000', 'LISTEN'], ['tcp6', '[::1]:3000', 'LISTEN']])).toEqual([
      'tcp4  127.0.0.1:3000  LISTEN',
      'tcp6  [::1]:3000      LISTEN',
    ]);
  });

  it('gives a column that is empty in every row no room, but keeps one empty in some rows', () => {
    expect(alignColumns([['a', '', 'x'], ['bb', '', 'y']])).toEqual(['a   x', 'bb  y']);
    expect(alignColumns([['a', '', 'x'], ['bb', '→ p', 'y']])).toEqual(['a        x', 'bb  → p  y']);
  });

  it('measures coloured cells by what shows, and leaves no trailing spaces', () => {
    const style = createStyle(true, { FORCE_COLOR: '1' });
    const lines = alignColumns([[style.dim('pid 1'), style.bold('init'), ''], ['pid 22', 'sshd', '']]);
    expect(lines.map(visibleLength)).toEqual(['pid 1   init'.length, 'pid 22  sshd'.length]);
    expect(lines.every((l) => !l.endsWith(' '))).toBe(true);
  });
});
