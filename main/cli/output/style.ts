// Colour only for people: a TTY, and not when NO_COLOR says otherwise (https://no-color.org).
export interface Style {
  color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** `isTTY`: whether the stream styled for is a terminal. */
export function createStyle(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Style {
  const color = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : !env.NO_COLOR && isTTY && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Printable width: escape sequences take no columns. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * Align columns; the last column is never padded, so lines carry no trailing spaces. A column that
 * is empty in every row takes no room at all (a port with no connections has no peer column).
 */
export function alignColumns(rows: string[][], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 || widths[i] === 0 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell) + gap)))
      .join('')
      .trimEnd(),
  );
}
