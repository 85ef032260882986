import type { CliIO } from '../io.js';

export async function runServe(_options: { port: number; open: boolean }, io: CliIO): Promise<number> {
  io.err('porthole: serve is not available in this build yet');
  return 1;
}
