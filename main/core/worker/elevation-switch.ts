// "Show all owners" inside the polling loop: an Engine is built once, over this switch's collector
// and describer, which forward to the normal ones or, while elevation is on, to the elevated
// collector's (main/core/elevate). Turning it on waits for the elevated side's first snapshot
// before switching, so a declined prompt or a missing tool never costs a poll; when the elevated
// collector ends on its own, the switch falls back to the normal collector and says why.
import { createCollector } from '../collect/index.js';
import type { Collector } from '../collect/types.js';
import { ElevationError, elevationAdvice, startElevatedCollector, type ElevatedCollector, type ElevatedCollectorOptions } from '../elevate/index.js';
import { createProcessDescriber, type ProcessDescriber } from '../processes.js';
import type { ElevationOutcome, ElevationRequest } from './protocol.js';

interface Source {
  collector: Collector;
  describer: ProcessDescriber;
}

export interface ElevationSwitchOptions {
  /** Told of changes nobody asked for: the elevated collector ended (it failed, or was stopped by root). */
  onChange?: (outcome: ElevationOutcome) => void;
  /** After a switch either way: poll at once, so the table follows without waiting a tick. */
  onSwitched?: () => void;
  normal?: Source;
  start?: (options: ElevatedCollectorOptions) => ElevatedCollector;
}

export const ELEVATION_ON = 'Showing every owner: the collector runs with administrator rights.';
export const ELEVATION_OFF = 'Stopped collecting with administrator rights.';

export class ElevationSwitch {
  private readonly normal: Source;
  private active: Source;
  private elevated: ElevatedCollector | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  readonly collector: Collector;
  readonly describer: ProcessDescriber;

  constructor(private readonly options: ElevationSwitchOptions = {}) {
    this.normal = options.normal ?? { collector: createCollector(), describer: createProcessDescriber() };
    this.active = this.normal;
    const self = this;
    this.collector = {
      get name() {
        return self.active.collector.name;
      },
      collect: (opts) => this.active.collector.collect(opts),
    };
    this.describer = { describe: (pids, hints) => this.active.describer.describe(pids, hints) };
  }

  get isOn(): boolean {
    return this.active !== this.normal;
  }

  /** One change at a time, in the order asked. */
  set(enabled: boolean, request?: ElevationRequest): Promise<ElevationOutcome> {
    const next = this.queue.then(() => (enabled ? this.enable(request) : this.disable()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stop the elevated collector, if any (the worker is shutting down). */
  close(): Promise<ElevationOutcome> {
    return this.set(false);
  }

  private async disable(): Promise<ElevationOutcome> {
    const elevated = this.elevated;
    this.elevated = undefined;
    const wasOn = this.isOn;
    this.active = this.normal;
    if (elevated) await elevated.stop();
    if (wasOn) this.options.onSwitched?.();
    return { ok: true, state: 'off', message: ELEVATION_OFF, advice: null };
  }

  private async enable(request: ElevationRequest | undefined): Promise<ElevationOutcome> {
    if (this.elevated && this.isOn) return { ok: true, state: 'on', message: ELEVATION_ON, advice: null };
    if (!request) return { ok: false, state: 'failed', message: 'Show all owners: where the collector is was not given.', advice: elevationAdvice(process.platform) };
    const start = this.options.start ?? startElevatedCollector;
    const elevated = start({
      cliPath: request.cliPath,
      nodePath: request.nodePath,
      intervalMs: request.intervalMs,
      checkTrust: request.checkTrust,
      tmpRoot: request.tmpRoot,
      ...(request.unelevated ? { elevator: identityElevator(request.unelevated.nodeArgs) } : {}),
    });
    this.elevated = elevated;
    try {
      await elevated.ready;
    } catch (error) {
      if (this.elevated === elevated) this.elevated = undefined;
      await elevated.stop().catch(() => undefined);
      return failure(error);
    }
    this.active = { collector: elevated.collector, describer: elevated.describer };
    void elevated.done.then((why) => {
      if (this.elevated !== elevated) return; // stopped by us, or replaced
      this.elevated = undefined;
      this.active = this.normal;
      this.options.onSwitched?.();
      const reason = why ?? new ElevationError('The elevated collector ended.', 'exited', elevationAdvice(process.platform));
      this.options.onChange?.({ ok: false, state: 'failed', message: `${reason.message} Showing only the owners you can see.`, advice: reason.advice });
    });
    this.options.onSwitched?.();
    return { ok: true, state: 'on', message: ELEVATION_ON, advice: null };
  }
}

function identityElevator(nodeArgs: readonly string[]) {
  return (cliPath: string, nodePath: string, args: readonly string[]) => ({ command: nodePath, args: [...nodeArgs, cliPath, ...args] });
}

function failure(error: unknown): ElevationOutcome {
  if (error instanceof ElevationError) return { ok: false, state: 'failed', message: error.message, advice: error.advice };
  return { ok: false, state: 'failed', message: error instanceof Error ? error.message : String(error), advice: elevationAdvice(process.platform) };
}
