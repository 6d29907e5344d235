import { Worker } from "node:worker_threads";
import type { Argon2Job, Argon2Runner } from "../crypto/argon2.ts";
import { CryptoError } from "../crypto/errors.ts";
import { Argon2QueueFullError } from "../domain/errors.ts";
import type { Argon2Reply } from "./argon2-worker.ts";

export interface Argon2PoolOptions {
  /** Most worker threads, started on demand (POWERAUTH_ARGON2_THREADS). */
  threads: number;
  /** Most jobs waiting for a thread; one more is refused with {@link Argon2QueueFullError} (POWERAUTH_ARGON2_MAX_QUEUE). */
  maxQueue: number;
}

export interface Argon2PoolStats {
  threads: number;
  running: number;
  queued: number;
  /** Jobs a worker thread has answered since the pool was created. */
  completed: number;
}

export interface Argon2Pool extends Argon2Runner {
  stats(): Argon2PoolStats;
  /** Refuses new jobs, lets queued and running ones finish, then ends the threads. */
  close(): Promise<void>;
}

interface Task {
  job: Argon2Job;
  resolve(tag: Buffer): void;
  reject(error: Error): void;
}

/**
 * A fixed set of worker threads that compute Argon2, so that no amount of password hashing (admin logins,
 * PUKs, OTPs) takes the event loop that serves every other call. The server creates one in startServer and
 * closes it on close; nothing here is module state.
 */
export function createArgon2Pool(options: Argon2PoolOptions): Argon2Pool {
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  const running = new Map<Worker, Task>();
  const queue: Task[] = [];
  let completed = 0;
  /** Places held by {@link Argon2Runner.reserve} for jobs not submitted yet. */
  let reserved = 0;
  let closing: Promise<void> | undefined;
  let onDrained: (() => void) | undefined;

  const spawn = (): Worker => {
    const worker = new Worker(new URL("./argon2-worker.ts", import.meta.url));
    let failure: Error | undefined;
    workers.add(worker);
    worker.on("message", (reply: Argon2Reply) => {
      const task = running.get(worker);
      running.delete(worker);
      // An idle thread must not keep the process alive; a busy one must, or a pending hash would be dropped.
      worker.unref();
      idle.push(worker);
      if ("tag" in reply) {
        completed++;
        task?.resolve(Buffer.from(reply.tag.buffer, reply.tag.byteOffset, reply.tag.byteLength));
      } else {
        task?.reject(new CryptoError("INVALID_INPUT", reply.error));
      }
      dispatch();
    });
    worker.on("error", (error) => (failure = error));
    worker.on("exit", () => {
      workers.delete(worker);
      const index = idle.indexOf(worker);
      if (index >= 0) idle.splice(index, 1);
      const task = running.get(worker);
      running.delete(worker);
      task?.reject(new Error("Argon2 worker thread stopped", { cause: failure }));
      // A replacement starts on demand, for the next job.
      dispatch();
    });
    return worker;
  };

  const dispatch = () => {
    while (queue.length > 0) {
      const worker = idle.pop() ?? (workers.size < options.threads ? spawn() : undefined);
      if (!worker) break;
      const task = queue.shift() as Task;
      running.set(worker, task);
      worker.ref();
      // Copies only the bytes: a view into Node's shared Buffer pool would otherwise clone the whole pool.
      worker.postMessage({ ...task.job, message: Uint8Array.from(task.job.message), nonce: Uint8Array.from(task.job.nonce) });
    }
    if (queue.length === 0 && running.size === 0) onDrained?.();
  };

  // Every place is a thread or a queue slot; running, queued and reserved jobs hold one each.
  const full = () => running.size + queue.length + reserved >= options.threads + options.maxQueue;
  const refusal = () => new Argon2QueueFullError(`${options.maxQueue} password hashes already waiting`);

  const submit = (job: Argon2Job) => {
    if (closing) return Promise.reject(new Error("Argon2 pool is closed"));
    return new Promise<Buffer>((resolve, reject) => {
      queue.push({ job, resolve, reject });
      dispatch();
    });
  };

  return {
    run(job) {
      if (!closing && full()) return Promise.reject(refusal());
      return submit(job);
    },
    reserve() {
      if (closing) throw new Error("Argon2 pool is closed");
      if (full()) throw refusal();
      reserved++;
      let held = true;
      const release = () => {
        if (held) reserved--;
        held = false;
      };
      return {
        run(job) {
          if (!held) return Promise.reject(new Error("Argon2 reservation already used"));
          release();
          return submit(job);
        },
        release,
      };
    },
    stats: () => ({ threads: workers.size, running: running.size, queued: queue.length, completed }),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          onDrained = resolve;
          dispatch();
        });
        await Promise.all([...workers].map((worker) => worker.terminate()));
      })();
      return closing;
    },
  };
}
