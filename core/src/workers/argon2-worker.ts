import { parentPort } from "node:worker_threads";
import { computeArgon2 } from "../crypto/argon2.ts";
import type { Argon2Job } from "../crypto/argon2.ts";

/** What the worker answers for each job: the tag, or why it failed (a CryptoError message). */
export type Argon2Reply = { tag: Uint8Array } | { error: string };

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
