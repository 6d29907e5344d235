import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Repository root: every process is started from here so relative paths behave the same everywhere. */
export const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));

export interface RunningProcess {
  name: string;
  url: string;
  process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends SIGTERM (graceful stop) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartProcessOptions {
  name: string;
  script: string;
  env: Record<string, string>;
  /** First capture group = the URL the process listens on, read from its output. */
  urlPattern: RegExp;
  /** Called with every chunk the process prints (e.g. to echo it with a prefix). */
  onOutput?: (text: string) => void;
  startTimeoutMs?: number;
}

/** Spawns `node <script>` with the current Node binary and resolves once its output shows its URL. */
export function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const child = spawn(process.execPath, [options.script], {
    cwd: repositoryRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    let started = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      options.onOutput?.(text);
      const match = started ? null : options.urlPattern.exec(output);
      if (match) {
        started = true;
        clearTimeout(timer);
        resolve({
          name: options.name,
          url: match[1],
          process: child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${options.name} exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Patterns of the "listening" line each process prints. */
export const LISTENING = {
  core: /"message":"core listening","url":"(http:\/\/[^"]+)"/,
  soap: /SOAP gateway listening on (http:\/\/\S+)/,
  rest: /REST gateway listening on (http:\/\/\S+)/,
};
