import type { SocketState } from '../../model.js';

// Every spelling the tools use, folded to one upper-case name.
const STATE_ALIASES: Record<string, SocketState> = {
  LISTEN: 'LISTEN',
  LISTENING: 'LISTEN',
  ESTAB: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  SYN_SENT: 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  SYN_RECV: 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  'NEW-SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT1: 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  FIN_WAIT2: 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  UNCONN: 'UNCONN',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  CLOSE_WAIT: 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  BOUND: 'BOUND',
  IDLE: 'CLOSE',
  UNKNOWN: 'UNKNOWN',
};

export function normalizeState(text: string): SocketState | undefined {
  return STATE_ALIASES[text.toUpperCase()];
}
