// Reconnection delays: exponential growth with "equal jitter", so a server restart does not
// see every client of the council reconnect in the same instant, yet no client waits long
// after a short blip.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Delay before reconnection attempt number `attempt` (0 = first retry). */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 20));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
