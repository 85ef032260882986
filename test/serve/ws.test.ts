// Browser mode's WebSocket, past admission: frames are checked before anything runs, and a page
// that said `ready` gets a full snapshot and then deltas from the real engine.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequestSchemas, SettingsSchema, WS_MAX_CLIENT_FRAME_BYTES, WsRejectedFrameSchema, type ServerEvent, type Settings } from '../../main/core/contract.js';
import type { Socket } from '../../main/core/model.js';
import { cleanup, isRunning, spawnHelper } from '../core/spawned.js';
import { ContractClient } from './clients.js';
import { startFixture, type Fixture } from './fixture.js';

let f: Fixture;
let client: ContractClient;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());
afterEach(async () => {
  client?.close();
  await cleanup();
});

const fileSettings = () => readFileSync(f.settingsFile, 'utf8');
const connect = async () => (client = await ContractClient.connect(f.server.port, { token: f.server.token }));

describe('bad frames get an error and run nothing', () => {
  it('not JSON, wrong shapes and unknown verbs; the connection stays usable', async () => {
    await connect();
    const before = fileSettings();
    client.sendRaw('{ not json');
    client.sendRaw('null');
    client.sendRaw('[1,2,3]');
    client.sendRaw(JSON.stringify({ verb: 'setSettings', args: [{ listeningOnly: false }] })); // no id: nobody to answer
    client.sendRaw(JSON.stringify({ id: 1, verb: 'setSettings', args: { listeningOnly: false } }));
    client.sendRaw(JSON.stringify({ id: 2, verb: 'setSettings', args: [{ listeningOnly: false }], extra: true }));
    client.sendRaw(JSON.stringify({ id: 3, verb: 'rm -rf', args: [] }));
    client.sendRaw(JSON.stringify({ id: 4, verb: '__proto__', args: [] }));
    client.sendRaw(JSON.stringify({ id: 5, verb: 'constructor', args: [] }));
    client.sendRaw(JSON.stringify({ id: -1, verb: 'getSettings', args: [] }));
    for (const id of [1, 2]) expect(await client.reply(id)).toMatchObject({ ok: false, error: expect.stringMatching(/^bad frame/) });
    for (const id of [3, 4, 5]) expect(await client.reply(id)).toMatchObject({ ok: false, error: expect.stringContaining('unknown verb') });

    const ok = await client.request('getSettings', []);
    expect(ok).toMatchObject({ ok: true, result: { listeningOnly: true } });
    // Replies come only for frames with a usable id: 1-5, then the getSettings above.
    expect(client.frames.filter((x) => x.kind === 'reply').map((x) => (x as { id: number }).id)).toEqual([1, 2, 3, 4, 5, ok.id]);
    // The other five (not JSON, null, an array, no id, id -1) each got one `rejected` frame.
    expect(client.frames.filter((x) => x.kind === 'rejected')).toHaveLength(5);
    expect(fileSettings()).toBe(before);
  });

  it.each([
    { what: 'not JSON', text: '{ not json', why: /^not JSON/ },
    { what: 'null', text: 'null', why: /^bad frame/ },
    { what: 'an array', text: '[1,2,3]', why: /^bad frame/ },
    { what: 'a bare number', text: '42', why: /^bad frame/ },
    { what: 'no id', text: JSON.stringify({ verb: 'setSettings', args: [{ listeningOnly: false }] }), why: /^bad frame at id/ },
    { what: 'a negative id', text: JSON.stringify({ id: -1, verb: 'setSettings', args: [{ listeningOnly: false }] }), why: /^bad frame at id/ },
    { what: 'a fractional id', text: JSON.stringify({ id: 1.5, verb: 'setSettings', args: [{ listeningOnly: false }] }), why: /^bad frame at id/ },
    { what: 'a string id', text: JSON.stringify({ id: '7', verb: 'setSettings', args: [{ listeningOnly: false }] }), why: /^bad frame at id/ },
  ])('$what: no id to answer, so one "rejected" frame says why; nothing runs and the connection stays usable', async ({ text, why }) => {
    await connect();
    const before = fileSettings();
    client.sendRaw(text);
    // Frames are handled in order, and the rejection is sent at once: it is in before this reply.
    const ok = await client.request('getSettings', []);
    const rejected = client.frames.filter((x) => x.kind === 'rejected');
    expect(rejected).toHaveLength(1);
    // The frame is what the contract says it is, and says that nothing ran.
    expect(WsRejectedFrameSchema.parse(rejected[0])).toEqual({ kind: 'rejected', error: expect.stringMatching(why) });
    expect((rejected[0] as { error: string }).error).toContain('nothing ran');
    expect(client.frames.filter((x) => x.kind === 'reply')).toEqual([ok]);
    expect(ok).toMatchObject({ ok: true });
    expect(fileSettings()).toBe(before);
  });

  it('arguments failing the schema: planKill on port 70000, kill without confirmation, setSettings with a bad field', async () => {
    await connect();
    const victim = await spawnHelper({ host: '127.0.0.1' });
    const before = fileSettings();
    expect(await client.request('planKill', [{ target: { port: 70000 }, tree: false }])).toMatchObject({ ok: false, error: expect.stringContaining('planKill: invalid arguments') });
    expect(await client.request('kill', [{ target: { port: victim.port }, tree: false, force: true, confirmed: [] }])).toMatchObject({ ok: false });
    expect(await client.request('kill', [{ target: { pid: victim.pid }, tree: false, force: true }])).toMatchObject({ ok: false });
    expect(await client.request('setSettings', [{ intervalMs: 1 }])).toMatchObject({ ok: false, error: expect.stringContaining('setSettings: invalid arguments') });
    expect(await client.request('setSettings', [{ listeningOnly: false, evil: 1 }])).toMatchObject({ ok: false });
    expect(await client.request('setSettings', [{ listeningOnly: false }, 'extra'])).toMatchObject({ ok: false });
    expect(await client.request('diagnose', ['3000'])).toMatchObject({ ok: false });
    expect(fileSettings()).toBe(before);
    expect(f.settings.get().listeningOnly).toBe(true);
    expect(isRunning(victim.child)).toBe(true);
  });

  it('a valid setSettings does change the file (so the checks above can fail)', async () => {
    await connect();
    const r = await client.request('setSettings', [{ filter: 'port:1234' }]);
    expect(r).toMatchObject({ ok: true, result: { filter: 'port:1234' } });
    expect(JSON.parse(fileSettings()).filter).toBe('port:1234');
    await client.request('setSettings', [{ filter: '' }]);
  });

  it('a frame over the size limit closes the connection (1009) before it is parsed', async () => {
    await connect();
    const before = fileSettings();
    const padding = ' '.repeat(WS_MAX_CLIENT_FRAME_BYTES);
    client.sendRaw(`{"id":1,"verb":"setSettings","args":[{"listeningOnly":false}]}${padding}`);
    expect((await client.closed).code).toBe(1009);
    expect(client.frames.filter((x) => x.kind === 'reply')).toEqual([]);
    expect(fileSettings()).toBe(before);
  });

  it('a binary frame closes the connection (1003) and runs nothing', async () => {
    await connect();
    const before = fileSettings();
    client.sendRaw(Buffer.from(JSON.stringify({ id: 1, verb: 'setSettings', args: [{ listeningOnly: false }] })), { binary: true });
    expect((await client.closed).code).toBe(1003);
    expect(client.frames.filter((x) => x.kind === 'reply')).toEqual([]);
    expect(fileSettings()).toBe(before);
  });
});

describe('property: random frames', () => {
  // Verbs that act on the machine (kill, diagnose's trial binds) or poll the OS are left out: the
  // property is about parsing, and the examples above cover their validation.
  const SAFE_VERBS = ['getSettings', 'setSettings', 'copyText', 'showMainWindow', 'openExternal', 'ready', 'pause', 'resume'];
  const settingsPatch = fc.record(
    {
      intervalMs: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double(), fc.string()),
      watchedPorts: fc.oneof(fc.array(fc.integer({ min: -5, max: 70_000 }), { maxLength: 4 }), fc.anything()),
      filter: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 501, maxLength: 600 }), fc.integer()),
      listeningOnly: fc.oneof(fc.boolean(), fc.constant('true')),
      groupByProcess: fc.boolean(),
      bogus: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const frame = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json(),
    fc.record({ id: fc.integer({ min: 0, max: 1_000_000 }), verb: fc.constantFrom(...SAFE_VERBS, 'kill', 'nope', ''), args: fc.array(fc.anything(), { maxLength: 3 }) }).map((x) => JSON.stringify(x)),
    fc.record({ id: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.anything()), verb: fc.constant('setSettings'), args: fc.tuple(settingsPatch) }).map((x) => JSON.stringify(x)),
    fc.anything().map((x) => JSON.stringify({ id: 1, verb: 'setSettings', args: [x] }) ?? ''),
  );

  it('never crash the server and change settings only through a valid setSettings', async () => {
    await connect();
    let barrier = 2 ** 40;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        let expected: Settings = f.settings.get();
        for (const text of frames) {
          // The model: what a correct server would apply, judged by the contract independently of it.
          expected = applyIfValid(expected, text);
          client.sendRaw(text);
        }
        // Frames are handled in order; a reply to this one means every frame before it was handled.
        const id = barrier++;
        client.sendRaw(JSON.stringify({ id, verb: 'getSettings', args: [] }));
        const reply = await client.reply(id);
        expect(reply).toMatchObject({ ok: true, result: expected });
        expect(JSON.parse(fileSettings())).toEqual(expected);
      }),
      { numRuns: 150 },
    );
    await client.request('resume', []);
  });

  function applyIfValid(current: Settings, text: string): Settings {
    let json: { id?: unknown; verb?: unknown; args?: unknown; [k: string]: unknown };
    try {
      json = JSON.parse(text);
    } catch {
      return current;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return current;
    const keys = Object.keys(json).sort().join(',');
    if (keys !== 'args,id,verb' || json.verb !== 'setSettings') return current;
    if (typeof json.id !== 'number' || !Number.isSafeInteger(json.id) || json.id < 0) return current;
    const args = RequestSchemas.setSettings.safeParse(json.args);
    return args.success ? SettingsSchema.parse({ ...current, ...args.data[0] }) : current;
  }
});

describe('streaming', () => {
  it('after ready: settings and status, then a full snapshot with our listener, then deltas with a new one', async () => {
    const first = await spawnHelper({ host: '127.0.0.1' });
    // A fresh server, so its first snapshot is taken after our listener exists.
    const g = await startFixture();
    try {
      client = await ContractClient.connect(g.server.port, { token: g.server.token });
      // The page reads text frames only: replies, events and the (pre-encoded) snapshot are all text.
      const binary: boolean[] = [];
      client.ws.on('message', (_data, isBinary) => binary.push(isBinary));
      expect((await client.request('ready', [])).ok).toBe(true);
      const events = () => client.frames.filter((x) => x.kind === 'event').map((x) => (x as { event: ServerEvent }).event);
      const snapshot = await client.waitForEvent((e) => e.type === 'snapshot');
      expect(events()[0]?.type).toBe('settings');
      // Before any delta, the first socket event is the full snapshot.
      expect(events().find((e) => e.type === 'snapshot' || e.type === 'delta')).toBe(snapshot);
      if (snapshot.type !== 'snapshot') throw new Error('unreachable');
      expect(findListener(snapshot.snapshot.sockets, first.port!)).toMatchObject({ localAddress: '127.0.0.1', pids: [first.pid] });
      expect(snapshot.snapshot.processes.find((p) => p.pid === first.pid)).toBeDefined();

      const second = await spawnHelper({ host: '::1' });
      const delta = await client.waitForEvent((e) => e.type === 'delta' && findListener(e.delta.added, second.port!) !== undefined);
      if (delta.type !== 'delta') throw new Error('unreachable');
      expect(findListener(delta.delta.added, second.port!)).toMatchObject({ localAddress: '::1', family: 6, pids: [second.pid] });
      // A delta carries churn, not the table: our first listener is not repeated.
      expect(findListener(delta.delta.added, first.port!)).toBeUndefined();
      expect(binary.length).toBeGreaterThan(3);
      expect(binary.filter(Boolean)).toEqual([]);
    } finally {
      client.close();
      await g.stop();
    }
  });

  it('closing the socket closes the session', async () => {
    const service = f.backend.service;
    const original = service.openSession.bind(service);
    let sessionClosed!: Promise<void>;
    service.openSession = (...args) => {
      const session = original(...args);
      const close = session.close.bind(session);
      sessionClosed = new Promise((resolve) => {
        session.close = () => (close(), resolve());
      });
      return session;
    };
    try {
      await connect();
      await client.request('ready', []);
      client.close();
      await sessionClosed;
    } finally {
      service.openSession = original;
    }
  });
});

function findListener(sockets: Socket[], port: number): Socket | undefined {
  return sockets.find((s) => s.protocol === 'tcp' && s.state === 'LISTEN' && s.localPort === port);
}
