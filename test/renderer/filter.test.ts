import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, formatFilter, parseFilter, pinnedPort, type MatchContext } from '../../renderer/filter.js';
import { machine, proc } from './fixtures.js';

describe('parseFilter', () => {
  it('reads free text and every token kind', () => {
    expect(parseFilter('port:3000 pid:123 proc:Node state:listen udp tcp v4 v6 conflict hidden vite').tokens).toEqual([
      { kind: 'port', port: 3000 },
      { kind: 'pid', pid: 123 },
      { kind: 'proc', name: 'node' },
      { kind: 'state', state: 'LISTEN' },
      { kind: 'flag', flag: 'udp' },
      { kind: 'flag', flag: 'tcp' },
      { kind: 'flag', flag: 'v4' },
      { kind: 'flag', flag: 'v6' },
      { kind: 'flag', flag: 'conflict' },
      { kind: 'flag', flag: 'hidden' },
      { kind: 'text', value: 'vite' },
    ]);
  });

  it('keeps keys case-insensitive and reads quoted phrases as one text token', () => {
    expect(parseFilter('PORT:80 "next dev"  UDP').tokens).toEqual([
      { kind: 'port', port: 80 },
      { kind: 'text', value: 'next dev' },
      { kind: 'flag', flag: 'udp' },
    ]);
  });

  it('treats unknown keys as text and says so', () => {
    const f = parseFilter('user:me');
    expect(f.tokens).toEqual([{ kind: 'text', value: 'user:me' }]);
    expect(f.hints[0]).toMatch(/Unknown filter "user:"/);
  });

  it('does not mistake addresses for keys', () => {
    const f = parseFilter('::1 fe80::1 127.0.0.1:5173');
    expect(f.tokens.every((t) => t.kind === 'text')).toBe(true);
    expect(f.hints).toEqual([]);
  });

  it('falls back to text for a bad value, with a hint', () => {
    const f = parseFilter('port:http');
    expect(f.tokens).toEqual([{ kind: 'text', value: 'port:http' }]);
    expect(f.hints[0]).toMatch(/port: takes a number/);
    expect(parseFilter('port:70000').tokens[0]!.kind).toBe('text');
  });

  it('finds the one pinned port', () => {
    expect(pinnedPort(parseFilter('conflict port:3000'))).toBe(3000);
    expect(pinnedPort(parseFilter('port:1 port:2'))).toBeNull();
    expect(pinnedPort(parseFilter('node'))).toBeNull();
  });

  it('formats canonically and quotes text that would read back as something else', () => {
    expect(formatFilter(parseFilter('  PORT:03000   Proc:Node  "udp" "a  b" '))).toBe('port:3000 proc:node "udp" "a b"');
  });

  it('never throws, and parse∘format∘parse equals parse (property)', () => {
    const word = fc.oneof(
      fc.string(),
      fc.constantFrom('port:', 'pid:', 'proc:', 'state:', 'udp', 'conflict', 'hidden', '"', '::1', 'x:y', ' '),
      fc.integer({ min: -5, max: 70000 }).map((n) => `port:${n}`),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' ')), (input) => {
        const once = parseFilter(input);
        const text = formatFilter(once);
        const twice = parseFilter(text);
        expect(twice.tokens).toEqual(once.tokens);
        expect(formatFilter(twice)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compileFilter', () => {
  const { sockets, processes } = machine();
  const ctx: MatchContext = { processes: new Map(processes.map((p) => [p.pid, p])), conflictKeys: new Set([sockets[2]!.key]) };
  const match = (q: string) => {
    const pred = compileFilter(parseFilter(q), ctx);
    return pred ? sockets.filter(pred) : sockets;
  };

  it('matches nothing-in-particular as everything', () => {
    expect(compileFilter(parseFilter('   '), ctx)).toBeNull();
  });

  it('matches free text against process name, command, address, port, service and state', () => {
    expect(match('postgres').map((s) => s.localPort)).toEqual([5432, 5353]);
    expect(match('node_modules/.bin/vite')).toHaveLength(3);
    expect(match('::1')).toHaveLength(1);
    expect(match('[::1]:5173')).toHaveLength(1);
    expect(match('5432')).toHaveLength(1);
    expect(match('vite dev')).toHaveLength(2); // both words occur in the Vite listeners' service label
    expect(match('vite postgres')).toHaveLength(0); // words AND
    expect(match('"vite dev"')).toHaveLength(2);
    expect(match('established')).toHaveLength(1);
    expect(match('VITE DEV')).toHaveLength(2); // case-insensitive
  });

  it('ANDs tokens', () => {
    expect(match('port:5173 v6')).toHaveLength(1);
    expect(match('proc:node state:established').map((s) => s.remotePort)).toEqual([51234]);
    expect(match('udp proc:postgres')).toHaveLength(1);
  });

  it('matches port on either end, pid, conflict and hidden', () => {
    expect(match('port:51234')).toHaveLength(1);
    expect(match('pid:812')).toHaveLength(2);
    expect(match('conflict').map((s) => s.localPort)).toEqual([5432]);
    expect(match('hidden').map((s) => s.localPort)).toEqual([631]);
  });

  it('state:listen includes bound UDP sockets (how UDP servers listen)', () => {
    expect(match('state:listen').map((s) => s.localPort).sort()).toEqual([5173, 5173, 5353, 5432, 631].sort());
  });

  it('sees a process command change (process objects are cached by identity)', () => {
    const p = new Map(ctx.processes);
    p.set(812, proc(812, 'postgres', { command: 'postgres: checkpointer' }));
    const pred = compileFilter(parseFilter('checkpointer'), { ...ctx, processes: p })!;
    expect(sockets.filter(pred)).toHaveLength(2);
  });
});
