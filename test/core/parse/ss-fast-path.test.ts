// parseSs walks the whole text in one pass, never cutting a line out, and parses the common
// endpoint shapes in place (the bench's 21k-socket poll needed it). parseSsLine is the plain
// version (split, trim, split(/\s+/), parseEndpoint); line by line, it is the oracle here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSs, parseSsLine } from '../../../main/core/collect/parse/ss.js';
import { emptyOutcome, skipLine, type ParseOutcome } from '../../../main/core/collect/parse/types.js';
import { linuxFixture } from './linux-fixtures.js';

function oracle(text: string): ParseOutcome {
  const out = emptyOutcome();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('Netid')) continue;
    const socket = parseSsLine(line);
    if (socket) out.sockets.push(socket);
    else skipLine(out, line);
  }
  return out;
}

// ---- generated ss-like text: right and wrong in the places the fast path decides things ----
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const port = fc.oneof(pick('*', '0', '22', '65535', '65536', '123456', '08', ''), fc.integer({ min: 0, max: 70000 }).map(String));
const host = fc.oneof(
  pick('127.0.0.1', '0.0.0.0', '10.0.2.15', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1111.1.1.1', '1..1.1', '*', '[::1]', '[::]', '[fe80::1]%eth0', '[fe80::1%en0]'),
  pick('[::ffff:127.0.0.1]', '[::1', '::1]', '[]', '[1:2:3:4:5:6:7:8]', '[g::1]', '[ABCD::ef]', '127.0.0.1%lo', '[::1]x', '0.0.0.0%eth0', '[::1]%bad zone'),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const endpoint = fc.oneof({ weight: 8, arbitrary: fc.tuple(host, port).map(([h, p]) => `${h}:${p}`) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const ext = fc.oneof(
  fc.nat({ max: 2 ** 32 }).map((n) => `ino:${n}`),
  fc.nat({ max: 70000 }).map((n) => `uid:${n}`),
  pick('ino:0', 'ino:', 'ino:12a', 'ino:00042', `ino:${'9'.repeat(20)}`, 'uid:', 'uid:-1', 'v6only:0', 'v6only:1', 'v6only:', 'v6only:10', 'sk:1a', 'cgroup:/', 'cgroup:/ino:5', '<->', '->', 'timer:(keepalive,1min,0)'),
  fc.string({ maxLength: 8 }),
);
const space = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 12 }).map((n) => ' '.repeat(n)) }, { weight: 1, arbitrary: pick('\t', ' \t ', '\r', '\u00a0', ' \u2003 ', '\v') });
const line = fc
  .tuple(
    pick('tcp', 'udp', 'raw', 'TCP', 'Netid', ''),
    pick('ESTAB', 'LISTEN', 'UNCONN', 'TIME-WAIT', 'SYN-SENT', 'estab', 'BOGUS'),
    pick('0', '12'),
    pick('0', '3'),
    endpoint,
    endpoint,
    fc.array(ext, { maxLength: 6 }),
    fc.array(space, { minLength: 12, maxLength: 12 }),
    pick('', ' ', '  \t'),
  )
  .map(([netid, state, rq, sq, local, peer, extra, sp, lead]) =>
    lead + [netid, state, rq, sq, local, peer, ...extra].map((f, i) => (i === 0 ? f : `${sp[i % sp.length]}${f}`)).join('') + sp[0],
  );

describe('parseSs: the single-pass parser answers as the line-by-line one did', () => {
  it('on the real and hand-made captures', () => {
    for (const name of ['ss-tunaeH.txt', 'ss-tunae-header.txt', 'ss-handmade.txt', 'ss-old-header.txt']) {
      const text = linuxFixture(name);
      expect(parseSs(text), name).toEqual(oracle(text));
    }
  });

  it('on generated ss output, right and wrong', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), pick('\n', '\r\n'), (lines, eol) => {
        const text = lines.join(eol);
        expect(parseSs(text)).toEqual(oracle(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        expect(parseSs(text)).toEqual(oracle(text));
      }),
      { numRuns: 2000 },
    );
  });
});
