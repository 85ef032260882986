// Plan -> confirm -> kill -> report, the same for every Kill button. Browser mode confirms in the
// page (KillDialog); Electron's main process shows a native dialog, so the page goes straight to
// `kill` with the plan's identities. Either way main refuses anything not in `confirmed`.
import { useCallback, useRef, useState } from 'react';
import type { KillPlanView, KillResultView, PortholeApi } from '../../main/core/contract.js';
import { useLatest } from '../hooks/useLatest.js';
import type { KillRequestInput } from './target.js';

export type KillFlowState =
  | { step: 'idle' }
  | { step: 'planning'; req: KillRequestInput }
  | { step: 'confirm'; req: KillRequestInput; plan: KillPlanView }
  | { step: 'killing'; req: KillRequestInput; plan: KillPlanView }
  | { step: 'done'; req: KillRequestInput; plan: KillPlanView; result: KillResultView }
  | { step: 'refused'; req: KillRequestInput; plan: KillPlanView }
  | { step: 'failed'; req: KillRequestInput; message: string };

export interface KillFlow {
  state: KillFlowState;
  start(req: KillRequestInput): void;
  confirm(): void;
  cancel(): void;
  dismiss(): void;
  /** After a graceful stop failed: try again with the tree, or with force. */
  escalate(how: 'tree' | 'force'): void;
  /** Say why there is nothing to kill (a hidden owner, a kernel-only socket) instead of doing nothing. */
  refuse(label: string, message: string): void;
}

export function useKillFlow(api: PortholeApi): KillFlow {
  const [state, setState] = useState<KillFlowState>({ step: 'idle' });
  // Each start() gets a ticket; answers for an older ticket are dropped.
  const ticket = useRef(0);
  const current = useLatest(state);

  const set = useCallback((t: number, next: KillFlowState) => {
    if (t === ticket.current) setState(next);
  }, []);

  const run = useCallback(
    (t: number, req: KillRequestInput, plan: KillPlanView) => {
      set(t, { step: 'killing', req, plan });
      const confirmed = plan.candidates.map(({ pid, startTime }) => ({ pid, startTime }));
      api.call('kill', { target: req.target, tree: req.tree, force: req.force, confirmed }).then(
        (result) => set(t, result.declined ? { step: 'idle' } : { step: 'done', req, plan, result }),
        (error: unknown) => set(t, { step: 'failed', req, message: messageOf(error) }),
      );
    },
    [api, set],
  );

  const start = useCallback(
    (req: KillRequestInput) => {
      const t = ++ticket.current;
      setState({ step: 'planning', req });
      api.call('planKill', { target: req.target, tree: req.tree }).then(
        (plan) => {
          if (plan.candidates.length === 0) set(t, { step: 'refused', req, plan });
          else if (api.transport === 'websocket') set(t, { step: 'confirm', req, plan });
          else run(t, req, plan);
        },
        (error: unknown) => set(t, { step: 'failed', req, message: messageOf(error) }),
      );
    },
    [api, run, set],
  );

  const confirm = useCallback(() => {
    const s = current.current;
    if (s.step === 'confirm') run(ticket.current, s.req, s.plan);
  }, [run, current]);

  const reset = useCallback(() => {
    ticket.current++;
    setState({ step: 'idle' });
  }, []);

  const escalate = useCallback(
    (how: 'tree' | 'force') => {
      const s = current.current;
      if (s.step !== 'done' && s.step !== 'failed') return;
      start({ ...s.req, tree: s.req.tree || how === 'tree', force: s.req.force || how === 'force' });
    },
    [start, current],
  );

  const refuse = useCallback((label: string, message: string) => {
    ticket.current++;
    setState({ step: 'failed', req: { target: { pid: 0 }, tree: false, force: false, label }, message });
  }, []);

  return { state, start, confirm, cancel: reset, dismiss: reset, escalate, refuse };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
