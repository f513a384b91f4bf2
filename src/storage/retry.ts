/**
 * Exponential backoff with full jitter (the AWS architecture blog's recipe):
 * attempt n waits a uniform random time in [0, min(cap, base * 2^n)).
 */

/** How often and how patiently a storage call is retried; tests shrink the delays. */
export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Waits `ms`; injectable so tests do not sleep. */
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1); injectable for deterministic tests. */
  random: () => number;
}

/** Six tries, 100 ms base, 5 s cap: about three seconds of patience in expectation. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseMs: 100,
  capMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return policy.random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry);
}

/** Calls `call` until it succeeds, a failure is not `retryable`, or the attempts run out; then rethrows. */
export async function withRetry<T>(
  policy: RetryPolicy,
  retryable: (error: unknown) => boolean,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      await policy.sleep(backoffMs(policy, attempt - 1));
    }
  }
}
