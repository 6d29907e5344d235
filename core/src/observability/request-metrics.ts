import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

// Process-agnostic, like http-endpoints.ts: the core counts RPCs with it, the gateways HTTP requests.

/** Seconds; calls take from well under a millisecond (cached reads) to seconds (an overloaded database). */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RequestMetricsOptions {
  /** Name of the counter, e.g. `powerauth_rpc_requests_total`. */
  requests: string;
  /** Name of the duration histogram (seconds), e.g. `powerauth_rpc_duration_seconds`. */
  duration: string;
  /** What was called: a label with a bounded set of values the server defines (method, route, operation). */
  subject: string;
  /** How it ended: a label whose values `outcomeName` gives for the outcome numbers (status codes). */
  outcome: string;
  outcomeName(outcome: number): string;
  help: string;
}

/** The series of one subject, looked up once per call instead of building and hashing label sets. */
interface SubjectSeries {
  readonly duration: Histogram.Internal<string>;
  readonly requests: Map<number, Counter.Internal>;
}

/**
 * A request counter by subject and outcome plus a duration histogram by subject. Subjects must come from the
 * server (router methods, route templates), never from the caller's input, so the label set stays as small as
 * the API; recording a call is two map lookups, an increment and an observation.
 */
export class RequestMetrics {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly outcomeName: (outcome: number) => string;
  private readonly bySubject = new Map<string, SubjectSeries>();

  constructor(registry: Registry, options: RequestMetricsOptions) {
    this.outcomeName = options.outcomeName;
    this.requests = new Counter({
      name: options.requests,
      help: `${options.help}, by ${options.subject} and ${options.outcome}.`,
      labelNames: [options.subject, options.outcome],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: options.duration,
      help: `Time from the start of each of the ${options.help} to its answer, by ${options.subject}.`,
      labelNames: [options.subject],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /** Records one finished call of `subject` that ended with `outcome` after `seconds`. */
  record(subject: string, outcome: number, seconds: number): void {
    let series = this.bySubject.get(subject);
    if (!series) {
      series = { duration: this.duration.labels(subject), requests: new Map() };
      this.bySubject.set(subject, series);
    }
    series.duration.observe(seconds);
    let counter = series.requests.get(outcome);
    if (!counter) {
      counter = this.requests.labels(subject, this.outcomeName(outcome));
      series.requests.set(outcome, counter);
    }
    counter.inc();
  }
}

/**
 * A gateway's registry: Node's process metrics and `<prefix>_requests_total{<subject>,status}` with
 * `<prefix>_request_duration_seconds{<subject>}`, status being the HTTP status answered.
 */
export function httpSurfaceMetrics(prefix: string, subject: string, help: string): { registry: Registry; requests: RequestMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new RequestMetrics(registry, {
    requests: `${prefix}_requests_total`,
    duration: `${prefix}_request_duration_seconds`,
    subject,
    outcome: "status",
    outcomeName: String,
    help,
  });
  return { registry, requests };
}
