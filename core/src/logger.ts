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
    (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
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
