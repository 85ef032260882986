import { describe, expect, it } from 'vitest';
import { exportFilename, toCsv, toJson } from '../../renderer/export.js';
import { machine, proc, sock } from './fixtures.js';

const { sockets, processes } = machine();
const ctx = { processes: new Map(processes.map((p) => [p.pid, p])), conflictKeys: new Set([sockets[2]!.key]) };

describe('toCsv', () => {
  it('writes a header and one row per socket, in the given order', () => {
    const csv = toCsv([sockets[2]!, sockets[0]!], ctx);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('protocol,family,localAddress,localPort,remoteAddress,remotePort,state,pids,process,command,ownerHidden,hiddenReason,service,exposure,conflict');
    expect(lines[1]).toBe('tcp,4,0.0.0.0,5432,,,LISTEN,812,postgres,/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql,false,,PostgreSQL,reachable from the network,true');
    expect(lines[2]).toBe('tcp,4,127.0.0.1,5173,,,LISTEN,4821,node,node ./node_modules/.bin/vite --port 5173,false,,Vite dev server,loopback only,false');
    expect(lines).toHaveLength(3);
  });

  it('quotes commas, quotes and newlines, and defuses spreadsheet formulas', () => {
    const p = proc(9, 'evil', { command: '=HYPERLINK("x"),1\nnext' });
    const csv = toCsv([sock({ localPort: 9, pids: [9] })], { processes: new Map([[9, p]]), conflictKeys: new Set() });
    expect(csv).toContain(`"'=HYPERLINK(""x""),1\nnext"`);
  });

  it('says hidden owners are hidden, with the reason', () => {
    expect(toCsv([sockets[4]!], ctx)).toContain(',true,"Owned by user root; run ""sudo porthole"" to see which process holds it.",');
  });
});

describe('toJson', () => {
  it('writes the view as stable, documented fields', () => {
    const json = JSON.parse(toJson([sockets[0]!], ctx, Date.UTC(2026, 10, 21)));
    expect(json).toEqual({
      version: 1,
      exportedAt: '2026-11-21T00:00:00.000Z',
      count: 1,
      sockets: [
        {
          protocol: 'tcp',
          family: 4,
          localAddress: '127.0.0.1',
          localPort: 5173,
          remoteAddress: null,
          remotePort: null,
          state: 'LISTEN',
          pids: [4821],
          process: 'node',
          command: 'node ./node_modules/.bin/vite --port 5173',
          ownerHidden: false,
          hiddenReason: null,
          service: 'Vite dev server',
          exposure: 'loopback only',
          conflict: false,
        },
      ],
    });
  });

  it('names files by time', () => {
    expect(exportFilename('csv', new Date(2026, 10, 21, 9, 5, 7).getTime())).toBe('porthole-20261121-090507.csv');
  });
});
