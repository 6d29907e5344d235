// `npm run admin -- <command>`: manages the Cloud Admin API's users through the running core's AdminService
// (gRPC), so the core validates, hashes in its Argon2 pool, and forgets remembered logins at once. The
// caller authenticates as an existing admin user.
//
//   npm run admin -- list
//   npm run admin -- create <username>          new password read from stdin (prompted on a terminal)
//   npm run admin -- passwd <username>          new password read from stdin
//   npm run admin -- remove <username>
//
// Environment: CORE_URL (default http://127.0.0.1:50051), POWERAUTH_ADMIN_USERNAME and
// POWERAUTH_ADMIN_PASSWORD (the caller's credentials, the same variables that bootstrap the first admin).
// Passwords are never taken from the command line, where other users of the machine could read them.

import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { ConnectError, createClient } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminErrorDetailSchema, AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";

/** A wrong invocation (exit code 2), told apart from the core's refusals (exit code 1). Above main: classes are not hoisted. */
class UsageError extends Error {}

const USAGE = "usage: npm run admin -- list | create <username> | passwd <username> | remove <username>";

async function main(): Promise<void> {
  const [command, username, ...rest] = process.argv.slice(2);
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
