// Well-known service labels. The tables live beside this file; this one decides which one speaks:
// the owning process itself, then the developer-port list, then the IANA registry.
import type { ProcessInfo, Protocol, ServiceLabel, ServiceSource, Socket } from '../model.js';
import { isListening } from '../model.js';
import { developerPort, portKey } from './developer-ports.js';
import { ianaService } from './iana.js';
import { processHint } from './process-hints.js';
import { relayOf } from './relays.js';

export { developerPort, DEVELOPER_PORTS, type DeveloperPort } from './developer-ports.js';
export { expectedPrograms, isExpectedOwner, type PortExpectation } from './expected-owners.js';
export { ianaService, ianaServiceCount, type IanaService } from './iana.js';
export { processHint, PROCESS_HINTS, type ProcessHint } from './process-hints.js';
export { relayOf, RELAYS, type Relay, type RelayKind } from './relays.js';
export { displayName, programNames } from './program.js';

/** What labelling needs of a socket. `remotePort` lets a client connection be named by its server. */
export type LabelledSocket = Pick<Socket, 'protocol' | 'localPort' | 'state'> & {
  remotePort?: number | null;
};

export interface ServiceEndpoint {
  port: number;
  /** `local`: this socket is the server side. `remote`: it is a client of the service at `port`. */
  side: 'local' | 'remote';
}

/**
 * Which end of a socket carries the service. Listeners and unconnected sockets are their local
 * port. For a connection we cannot see the listen() call, so: a port from the developer list wins
 * (a server on 54321 takes clients from lower ephemeral ports), otherwise the lower port, since
 * clients get their port from the ephemeral range at the top.
 */
export function serviceEndpoint(socket: LabelledSocket): ServiceEndpoint | null {
  const { localPort, remotePort, protocol } = socket;
  if (isListening(socket) || remotePort === null || remotePort === undefined || remotePort === 0) {
    return localPort > 0 ? { port: localPort, side: 'local' } : null;
  }
  if (localPort === 0) return { port: remotePort, side: 'remote' };
  const localDev = developerPort(localPort, protocol) !== null;
  const remoteDev = developerPort(remotePort, protocol) !== null;
  if (localDev !== remoteDev) return localDev ? { port: localPort, side: 'local' } : { port: remotePort, side: 'remote' };
  return localPort <= remotePort ? { port: localPort, side: 'local' } : { port: remotePort, side: 'remote' };
}

const portLabels = new Map<number, ServiceLabel | null>();

/**
 * The label a port has regardless of who holds it: developer list, then IANA. Cached and frozen:
 * every socket on a port gets the same object, so unchanged rows stay identical between polls.
 */
export function labelPort(port: number, protocol: Protocol): ServiceLabel | null {
  const key = portKey(port, protocol);
  let label = portLabels.get(key);
  if (label === undefined) {
    label = lookUpPort(port, protocol);
    portLabels.set(key, label);
  }
  return label;
}

function lookUpPort(port: number, protocol: Protocol): ServiceLabel | null {
  const dev = developerPort(port, protocol);
  if (dev) return freeze(dev.name, 'developer', dev.description);
  const iana = ianaService(port, protocol);
  if (iana) return freeze(iana.name, 'iana', iana.description);
  return null;
}

function freeze(name: string, source: ServiceSource, description: string | undefined): ServiceLabel {
  return Object.freeze(description ? { name, source, description } : { name, source });
}

/** The label a process earns on a port it serves: its own hint, or the port's label relayed by it. */
export function labelFromProcess(owner: ProcessInfo, port: number, protocol: Protocol): ServiceLabel | null {
  const hint = processHint(owner, port);
  if (hint) return freeze(hint.label, 'process', hint.description);
  const relay = relayOf(owner);
  if (!relay) return null;
  const behind = labelPort(port, protocol);
  const where = relay.kind === 'tunnel' ? 'at the other end of the tunnel' : `inside the ${relay.kind === 'vm' ? 'VM' : 'container'}`;
  return {
    name: behind ? `${behind.name} via ${relay.via}` : `Relayed by ${relay.via}`,
    source: 'process',
    description: `${relay.via} holds this port for a service running ${where}.`,
  };
}

/**
 * Names the service a socket talks to. The owner only counts when the socket is the server side:
 * a node process connected to :5432 is a PostgreSQL client, not a Node server.
 */
export function labelService(socket: LabelledSocket, owner?: ProcessInfo): ServiceLabel | null {
  const end = serviceEndpoint(socket);
  if (!end) return null;
  if (owner && end.side === 'local') {
    const fromProcess = labelFromProcess(owner, end.port, socket.protocol);
    if (fromProcess) return fromProcess;
  }
  return labelPort(end.port, socket.protocol);
}
