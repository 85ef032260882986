import { Engine } from '../../core/engine.js';
import { isListening } from '../../core/model.js';
import { printJson, printWarnings, type CliIO } from '../io.js';
import { jsonSnapshot } from '../output/json.js';
import { conflictLine, renderGrouped, renderPlain, summaryLine } from '../output/table.js';

export async function runList(options: { listening: boolean; json: boolean }, io: CliIO): Promise<number> {
  const snapshot = await new Engine().snapshot();
  const sockets = options.listening ? snapshot.sockets.filter(isListening) : snapshot.sockets;
  if (options.json) {
    printJson(io, jsonSnapshot(snapshot, sockets));
    return 0;
  }
  const lines = io.isTTY ? renderGrouped(snapshot, sockets, io.style) : renderPlain(snapshot, sockets);
  io.out(lines.join('\n'));
  if (io.isTTY) {
    for (const c of snapshot.conflicts) io.out(conflictLine(c, io.style));
    io.out(summaryLine(snapshot, sockets, io.style));
  }
  printWarnings(io, snapshot.issues.warnings);
  return 0;
}
