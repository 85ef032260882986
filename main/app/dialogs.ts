// The native confirmation before any signal is sent: it names each process, its pid and its ports,
// and Cancel is the default so Enter or Escape never kills. The text is built here (pure) so it is
// tested; index.ts shows it with dialog.showMessageBox.
import type { MessageBoxOptions } from 'electron';
import type { KillPlanView } from '../core/contract.js';

export const CONFIRM_BUTTON = 1;

export function killConfirmation(plan: KillPlanView): MessageBoxOptions {
  const n = plan.candidates.length;
  const lines = plan.candidates.map((c) => {
    const ports = c.ports.length > 0 ? c.ports.join(', ') : 'no listening ports';
    return `• ${c.name} (pid ${c.pid})${c.role === 'descendant' ? ', a child process' : ''}: ${ports}`;
  });
  const extra = [...plan.restarts.map((r) => `${r.text} ${r.command}`), ...plan.refusals.map((r) => `Not touched: ${r}`), ...plan.notes];
  return {
    type: 'warning',
    title: 'Stop processes',
    message: n === 1 ? `Stop ${plan.candidates[0]?.name ?? 'this process'}?` : `Stop these ${n} processes?`,
    detail: [...lines, ...(extra.length ? ['', ...extra] : []), '', plan.summary].join('\n'),
    buttons: ['Cancel', n === 1 ? 'Stop process' : `Stop ${n} processes`],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}
