/**
 * Wraps `check` for callers that must answer in time (probes, scrapes): concurrent callers share one run, so
 * a flood of probes during an outage does not become a flood of database round trips; a caller waits at most
 * `timeoutMs`, and a run that fails or is late gives `fallback`. A late run keeps being shared until it ends.
 */
export function sharedWithDeadline<T>(check: () => Promise<T>, timeoutMs: number, fallback: T): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    running ??= check()
      .catch(() => fallback)
      .finally(() => {
        running = undefined;
      });
    return withinDeadline(running, timeoutMs, fallback);
  };
}

async function withinDeadline<T>(promise: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
