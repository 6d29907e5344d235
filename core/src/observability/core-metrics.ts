import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import { ActivationStatus, activationStatusName } from "../domain/activations/activation-status.ts";
import type { ActivationStatusName } from "../domain/activations/activation-status.ts";
import type { SignatureVerdict } from "../domain/signatures/signature-verification.ts";
import type { CommitObserver } from "../persistence/commit-observer.ts";
import { rpcMetrics } from "./rpc-metrics.ts";

/** How a signature verification ended: `blocked` when the activation is BLOCKED after it (now or before). */
export type SignatureResult = "valid" | "invalid" | "blocked";

/** What became of one callback delivery attempt (as the dispatcher logs it). */
export type CallbackAttemptOutcome = "delivered" | "retry" | "failed" | "callback_removed";

const SIGNATURE_RESULTS: readonly SignatureResult[] = ["valid", "invalid", "blocked"];
const CALLBACK_OUTCOMES: readonly CallbackAttemptOutcome[] = ["delivered", "retry", "failed", "callback_removed"];

/**
 * The core's metrics, one set per process (never prom-client's global registry, so several cores in one test
 * process count apart). Every series of a fixed label set exists from the start, at 0, so a rate over it is
 * defined before the first event; recording is an increment on a series looked up once.
 */
export class CoreMetrics implements CommitObserver {
  readonly registry = new Registry();
  /** Recorded by the server's outermost interceptor (`OK` for a call that succeeded). */
  readonly rpc = rpcMetrics(this.registry);
  private readonly signatures: Record<SignatureResult, Counter.Internal>;
  private readonly statusChanges: Record<ActivationStatusName, Counter.Internal>;
  private readonly callbackAttempts: Record<CallbackAttemptOutcome, Counter.Internal>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const verifications = this.counter("powerauth_signature_verifications_total", "Signature verifications (VerifySignature, VerifyOfflineSignature, VaultUnlock) by result; blocked = refused with the activation BLOCKED.", "result");
    this.signatures = seriesOf(verifications, SIGNATURE_RESULTS);
    const changes = this.counter("powerauth_activation_status_changes_total", "Committed activation status changes, by new status.", "status");
    this.statusChanges = seriesOf(changes, Object.keys(ActivationStatus) as ActivationStatusName[]);
    const attempts = this.counter("powerauth_callback_attempts_total", "Callback delivery attempts by outcome (this core's deliveries).", "outcome");
    this.callbackAttempts = seriesOf(attempts, CALLBACK_OUTCOMES);
  }

  /** Counts a signature verification that answered `verdict`. */
  countSignatureVerification(verdict: SignatureVerdict): void {
    const result: SignatureResult = verdict.signatureValid ? "valid" : verdict.activationStatus === "BLOCKED" ? "blocked" : "invalid";
    this.signatures[result].inc();
  }

  /** A committed activation status change (the database tells, see {@link CommitObserver}). */
  activationStatusChanged(status: number): void {
    this.statusChanges[activationStatusName(status)].inc();
  }

  countCallbackAttempt(outcome: CallbackAttemptOutcome): void {
    this.callbackAttempts[outcome].inc();
  }

  private counter<Label extends string>(name: string, help: string, label: Label): Counter<Label> {
    return new Counter({ name, help, labelNames: [label], registers: [this.registry] });
  }
}

/** One child series per value, created (and so exported at 0) up front. */
function seriesOf<Label extends string, Value extends string>(metric: Counter<Label>, values: readonly Value[]): Record<Value, Counter.Internal> {
  const series = values.map((value) => {
    const child = metric.labels(value);
    child.inc(0);
    return [value, child] as const;
  });
  return Object.fromEntries(series) as Record<Value, Counter.Internal>;
}
