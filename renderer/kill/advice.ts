// The engine words a kill report's advice for the command line ("Retry with --force to …"). Beside
// the toast's own "Force kill" button, a flag the user cannot type anywhere only confuses.
export function adviceForButtons(advice: string): string {
  return advice.replace(/^Retry with --force to /, 'Press Force kill to ').replace(/--force would cut that short/, 'Force kill would cut that short');
}
