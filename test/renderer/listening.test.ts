import { describe, expect, it } from 'vitest';
import { isListening as engine, type Protocol, type SocketState } from '../../main/core/model.js';
import { isListening as renderer } from '../../renderer/listening.js';

const STATES: SocketState[] = ['LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'BOUND', 'UNCONN', 'UNKNOWN'];

describe('renderer isListening', () => {
  it("agrees with the engine's for every protocol and state", () => {
    for (const protocol of ['tcp', 'udp'] as Protocol[]) for (const state of STATES) expect(renderer({ protocol, state })).toBe(engine({ protocol, state }));
  });
});
