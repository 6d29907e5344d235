/** What every benchmark script prints the same way: its lines, the database URL without its password, a failure. */

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** A connection string as it may be printed: the password replaced by `***`. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

/** Runs a benchmark's `main`; a failure is printed with its stack and the process exits with 1. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
