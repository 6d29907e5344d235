// `npm run admin -- <command>`: manages the Cloud Admin API's users through the running core's AdminService
// (gRPC), so the core validates, hashes in its Argon2 pool, and forgets remembered logins at once. The
// caller authenticates as an existing admin user.
//
//   npm run admin -- list
//   npm run admin -- create <username>          new password read from stdin (prompted on a terminal)
//   npm run admin -- passwd <username>          new password read from stdin
//   npm run admin -- remove <username>
//   npm run admin -- rotate-db-key              re-seal every secret at rest under the current master DB key
//
// Environment: CORE_URL (default http://127.0.0.1:50051), POWERAUTH_ADMIN_USERNAME and
// POWERAUTH_ADMIN_PASSWORD (the caller's credentials, the same variables that bootstrap the first admin).
// Passwords are never taken from the command line, where other users of the machine could read them.
//
// rotate-db-key works on the database itself, not through the core: run it with the core's own environment
// (DATABASE_URL or PGLITE_DIR, POWERAUTH_MASTER_DB_ENCRYPTION_KEY and POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS).
// It seals, in batches, every secret that is in the clear or under a previous key under the current key and
// prints the counts; exit code 1 when some record opens with none of the configured keys. On PostgreSQL it may
// run while cores serve (each opens records under any configured key); an embedded database must be stopped.

import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { ConnectError, createClient } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminErrorDetailSchema, AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { loadConfig } from "../core/src/config.ts";
import { withEmbeddedDatabaseKey } from "../core/src/domain/secrets/embedded-key-file.ts";
import { everySecretUnderCurrentKey, resealSecrets } from "../core/src/domain/secrets/reseal-secrets.ts";
import { initOrm } from "../core/src/persistence/db.ts";

/** A wrong invocation (exit code 2), told apart from the core's refusals (exit code 1). Above main: classes are not hoisted. */
class UsageError extends Error {}

const USAGE = "usage: npm run admin -- list | create <username> | passwd <username> | remove <username> | rotate-db-key";

async function main(): Promise<void> {
  const [command, username, ...rest] = process.argv.slice(2);
  if (command === "rotate-db-key") {
    if (username !== undefined) throw new UsageError(USAGE);
    await rotateDbKey();
    return;
  }
  const needsUser = command === "create" || command === "passwd" || command === "remove";
  if (!["list", "create", "passwd", "remove"].includes(command ?? "") || (needsUser && !username) || rest.length > 0 || (!needsUser && username)) {
    throw new UsageError(USAGE);
  }
  const caller = process.env.POWERAUTH_ADMIN_USERNAME;
  const callerPassword = process.env.POWERAUTH_ADMIN_PASSWORD;
  if (!caller || !callerPassword) throw new UsageError("set POWERAUTH_ADMIN_USERNAME and POWERAUTH_ADMIN_PASSWORD to an existing admin user");
  const admin = createClient(
    AdminService,
    createGrpcTransport({ baseUrl: process.env.CORE_URL || "http://127.0.0.1:50051", interceptors: [basicAuth(caller, callerPassword)] }),
  );

  switch (command) {
    case "list": {
      const { users } = await admin.listAdminUsers({});
      for (const user of users) print(`${user.username}\t${user.enabled ? "enabled" : "disabled"}\t${user.authority}`);
      return;
    }
    case "create": {
      const password = await readNewPassword(`Password for ${username}: `);
      const { user } = await admin.createAdminUser({ username, password });
      print(`created ${user?.username ?? username}`);
      return;
    }
    case "passwd": {
      await admin.changeAdminPassword({ username, password: await readNewPassword(`New password for ${username}: `) });
      print(`password of ${username} changed`);
      return;
    }
    case "remove": {
      await admin.removeAdminUser({ username });
      print(`removed ${username}`);
      return;
    }
  }
}

/** rotate-db-key: the core's start-up re-sealing, on demand, with a line per kind of secret. */
async function rotateDbKey(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.databaseUrl && !loaded.pgliteDir) throw new UsageError("set DATABASE_URL or PGLITE_DIR to the core's database");
  const { settings: config } = await withEmbeddedDatabaseKey(loaded);
  if (!config.masterDbEncryptionKey) throw new UsageError("set POWERAUTH_MASTER_DB_ENCRYPTION_KEY: it is the key secrets are sealed with");
  const db = await initOrm({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: 2, connectTimeoutMs: config.databaseConnectTimeoutMs });
  try {
    const report = await db.withStartupLock(() =>
      resealSecrets(db, config, { onBatch: (batch) => print(`  ${batch.kind}: ${batch.resealed} re-sealed${batch.unreadable ? `, ${batch.unreadable} unreadable` : ""}`) }),
    );
    for (const count of report.counts) print(`${count.kind}\t${count.resealed} re-sealed\t${count.unreadable} unreadable`);
    if (!everySecretUnderCurrentKey(report)) {
      throw new Error("some secrets open with none of the configured keys: keep the key that sealed them in POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS");
    }
    print(`every secret is sealed under key ${report.keyId}; once every core runs with this key, previous keys may be removed`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`admin: ${describe(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The core's own message: the AdminErrorDetail's when there is one (validation, duplicates), else the error's. */
function describe(error: unknown): string {
  if (error instanceof ConnectError) {
    const detail = error.findDetails(AdminErrorDetailSchema)[0];
    const violations = detail?.violations.map((v) => `${v.fieldName} ${v.hint}`).join("; ");
    return detail ? `${detail.message}${violations ? ` (${violations})` : ""}` : error.rawMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads one line from stdin; on a terminal it prompts and does not echo what is typed. */
async function readNewPassword(prompt: string): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  if (terminal) process.stderr.write(prompt);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: silent, terminal });
  try {
    for await (const line of lines) {
      if (terminal) process.stderr.write("\n");
      return line;
    }
  } finally {
    lines.close();
  }
  throw new UsageError("no password given on stdin");
}

function basicAuth(username: string, password: string): Interceptor {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}
