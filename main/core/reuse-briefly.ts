// One answer shared by callers moments apart: a kill plan asks about each of its targets in turn,
// and listing every process (PowerShell on Windows, launchctl on macOS) once per target would
// repeat the same slow command.

/** `load`, run at most once per `ms`; a failed load is not kept, so the next caller tries again. */
export function reusedFor<T>(ms: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || now() - last.at > ms) {
      const value = load();
      last = { at: now(), value };
      value.catch(() => {
        if (last?.value === value) last = undefined;
      });
    }
    return last.value;
  };
}
