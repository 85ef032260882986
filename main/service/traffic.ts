// Interface throughput for the header chart, and each interface's addresses (which tell whether
// a listener is loopback-only or reachable from the network).
import os from 'node:os';
import type { InterfaceTraffic } from '../core/contract.js';
import { systeminformation } from '../core/lazy-modules.js';

export interface TrafficSampler {
  sample(): Promise<InterfaceTraffic[]>;
}

export function createTrafficSampler(): TrafficSampler {
  return {
    async sample() {
      // systeminformation computes per-second rates from its own previous call.
      const stats = await systeminformation().networkStats('*');
      const interfaces = os.networkInterfaces();
      return stats.map((s) => {
        const addrs = interfaces[s.iface] ?? [];
        return {
          name: s.iface,
          rxPerSec: Number.isFinite(s.rx_sec) && s.rx_sec >= 0 ? s.rx_sec : null,
          txPerSec: Number.isFinite(s.tx_sec) && s.tx_sec >= 0 ? s.tx_sec : null,
          addresses: addrs.map((a) => a.address),
          internal: addrs.length > 0 && addrs.every((a) => a.internal),
        };
      });
    },
  };
}
