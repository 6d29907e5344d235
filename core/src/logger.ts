/**
 * A minimal line logger: one JSON object per line on stdout/stderr, so logs stay greppable and machine
 * readable without a dependency. Callers never pass secrets; errors are logged with name, message and stack.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
}

export function createLogger(component: string, options: { quiet?: boolean } = {}): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level !== "error") return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields });
    if (level === "error") process.stderr.write(`${line}\n`);
    else stdoutLines(`${line}\n`);
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, error, fields) =>
      write("error", message, {
        ...fields,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      }),
  };
}

/**
 * Collects lines and writes them in one go at the end of the event loop's turn (and when the process exits),
 * in order. Writing to a pipe is synchronous on Linux, so a write per line cost the access log a system call
 * per RPC; under load one turn finishes many calls and their lines now share one write.
 */
export function createLineBatcher(stream: { write(text: string): unknown }): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    stream.write(text);
  };
  process.on("exit", flush);
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/** One batcher for the whole process, so lines of every logger keep their order on stdout. */
const stdoutLines = createLineBatcher(process.stdout);
