// Just enough of PNG, ICO and ICNS to check an icon's sizes without an image library.
import { readFileSync } from 'node:fs';

export function pngSize(file: string): { width: number; height: number } {
  const data = readFileSync(file);
  if (data.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n' || data.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error(`${file} is not a PNG`);
  }
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** Sizes in an ICO's directory (a 0 byte means 256). */
export function icoSizes(file: string): number[] {
  const data = readFileSync(file);
  if (data.readUInt16LE(0) !== 0 || data.readUInt16LE(2) !== 1) throw new Error(`${file} is not an ICO`);
  const count = data.readUInt16LE(4);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const width = data[6 + 16 * i]!;
    const height = data[7 + 16 * i]!;
    if (width !== height) throw new Error(`${file}: a ${width}x${height} entry is not square`);
    sizes.push(width === 0 ? 256 : width);
  }
  return sizes;
}

/** ICNS entry types ("ic09", "ic10", ...) with their byte lengths. */
export function icnsEntries(file: string): Map<string, number> {
  const data = readFileSync(file);
  if (data.subarray(0, 4).toString('latin1') !== 'icns') throw new Error(`${file} is not an ICNS`);
  if (data.readUInt32BE(4) !== data.length) throw new Error(`${file}: the header's length is wrong`);
  const entries = new Map<string, number>();
  for (let at = 8; at < data.length; ) {
    const type = data.subarray(at, at + 4).toString('latin1');
    const length = data.readUInt32BE(at + 4);
    if (length < 8 || at + length > data.length) throw new Error(`${file}: entry ${type} overruns the file`);
    entries.set(type, length);
    at += length;
  }
  return entries;
}
