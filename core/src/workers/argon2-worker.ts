import { readlinkSync } from "node:fs";
import { constants, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { computeArgon2 } from "../crypto/argon2.ts";
import type { Argon2Job } from "../crypto/argon2.ts";

/** What the worker answers for each job: the tag, or why it failed (a CryptoError message). */
export type Argon2Reply = { tag: Uint8Array } | { error: string };

lowerThisThreadsPriority();

// The pool sends one job at a time and waits for the answer, so a synchronous hash is right here: the whole
// computation stays on this thread (crypto.argon2's callback form runs part of it on the caller's).
parentPort?.on("message", (job: Argon2Job) => {
  let reply: Argon2Reply;
  try {
    reply = { tag: computeArgon2(job) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});

/**
 * A hash is never urgent, a signature is: at the lowest priority this thread gets only the CPU the event loop
 * and the database leave over, so a flood of logins slows the logins down instead of every PowerAuth call
 * (test/fault-login-flood.test.ts measures it). Linux applies setpriority to the one thread whose id it is given
 * (read from /proc/thread-self); elsewhere the thread keeps the process's priority.
 */
function lowerThisThreadsPriority(): void {
  try {
    const threadId = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    if (Number.isSafeInteger(threadId) && threadId > 0) setPriority(threadId, constants.priority.PRIORITY_LOW);
  } catch {
    // No /proc (not Linux) or not permitted: hashing then competes on equal terms, as before.
  }
}
