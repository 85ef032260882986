// What `porthole` exits with, as README.md and `porthole help` document it.

/** A bad argument: nothing was done. */
export const EXIT_USAGE = 2;

/** Porthole refused (its safety rules), or the user declined. */
export const EXIT_REFUSED = 3;

/**
 * The question could not be answered: an OS tool (and every fallback) failed. Not 1, which means
 * "free" to `porthole PORT`: a script must never read a broken run as a free port.
 */
export const EXIT_UNKNOWN = 4;
