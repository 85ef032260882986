// "Can a server bind :PORT now?" from the app: the same diagnosis as `porthole why PORT` (the
// diagnose verb: socket table, kernel settings and real trial binds), one port at a time.
import { useCallback, useRef, useState } from 'react';
import type { DiagnosisView, PortholeApi } from '../../main/core/contract.js';

export type PortCheckState =
  | { status: 'idle' }
  | { status: 'running'; port: number }
  | { status: 'done'; port: number; view: DiagnosisView }
  | { status: 'failed'; port: number; message: string };

export interface PortCheck {
  state: PortCheckState;
  run: (port: number) => void;
  close: () => void;
}

export function usePortCheck(api: PortholeApi): PortCheck {
  const [state, setState] = useState<PortCheckState>({ status: 'idle' });
  // Only the latest request may answer: checking :3000 then :5173 must not end on :3000's answer.
  const latest = useRef(0);

  const run = useCallback(
    (port: number) => {
      const id = ++latest.current;
      setState({ status: 'running', port });
      api.call('diagnose', port).then(
        (view) => id === latest.current && setState({ status: 'done', port, view }),
        (error: unknown) => id === latest.current && setState({ status: 'failed', port, message: error instanceof Error ? error.message : String(error) }),
      );
    },
    [api],
  );
  const close = useCallback(() => {
    latest.current++;
    setState({ status: 'idle' });
  }, []);
  return { state, run, close };
}
