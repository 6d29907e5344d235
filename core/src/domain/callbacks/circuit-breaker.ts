/**
 * One breaker per callback, in the memory of one core (like the reference's): after `threshold` consecutive
 * failed attempts the callback gets no calls for `resetMs` after its last failure; then a single probe goes
 * through (half-open), and its success closes the breaker while its failure opens it again. Events of an open
 * callback stay PENDING (unlike the reference, which failed them outright), so an outage costs no attempts.
 */
export class CircuitBreakers {
  readonly #threshold: number;
  readonly #resetMs: number;
  readonly #states = new Map<string, { failures: number; lastFailureAt: number; probing: boolean }>();

  constructor(threshold: number, resetMs: number) {
    this.#threshold = threshold;
    this.#resetMs = resetMs;
  }

  /**
   * Whether an attempt for this callback may start now; in the half-open state only the first caller gets
   * through (and then holds the probe until it records its result).
   */
  tryAcquire(callbackId: string, now: number): boolean {
    const state = this.#states.get(callbackId);
    if (!state || !this.#tripped(state)) return true;
    if (now - state.lastFailureAt < this.#resetMs || state.probing) return false;
    state.probing = true;
    return true;
  }

  /** When an open breaker lets the next probe through (for postponing events), or now when it is closed. */
  reopensAt(callbackId: string, now: number): number {
    const state = this.#states.get(callbackId);
    if (!state || !this.#tripped(state)) return now;
    return Math.max(now, state.lastFailureAt + this.#resetMs);
  }

  /** Callbacks that must not be claimed for now: open, or half-open with a probe in flight. */
  blockedCallbackIds(now: number): string[] {
    const blocked: string[] = [];
    for (const [callbackId, state] of this.#states) {
      if (this.#tripped(state) && (state.probing || now - state.lastFailureAt < this.#resetMs)) blocked.push(callbackId);
    }
    return blocked;
  }

  recordSuccess(callbackId: string): void {
    this.#states.delete(callbackId);
  }

  recordFailure(callbackId: string, now: number): void {
    const state = this.#states.get(callbackId) ?? { failures: 0, lastFailureAt: now, probing: false };
    state.failures++;
    state.lastFailureAt = now;
    state.probing = false;
    this.#states.set(callbackId, state);
  }

  #tripped(state: { failures: number }): boolean {
    return this.#threshold > 0 && state.failures >= this.#threshold;
  }
}
