import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 keeps initdb and pg_ctl (CI installs it from there too). */
const BIN = process.env.POSTGRES_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of a test's own, in a temporary directory on a free port, so the test may restart or stop
 * it without disturbing the shared server other test files use. PostgreSQL refuses to run as root, so as root
 * every command runs as the `postgres` OS user.
 */
export interface PostgresInstance {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, local only). */
  url: string;
  /** `pg_ctl restart -m fast`: connections are terminated, the server shuts down cleanly and comes back. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** `settings`: extra server settings (`name=value`, passed as `-c`), e.g. for a benchmark's own server. */
export async function startPostgresInstance(settings: readonly string[] = []): Promise<PostgresInstance> {
  const directory = mkdtempSync(join(tmpdir(), "pa-pg-"));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    chownSync(directory, Number(stdout.trim()), Number(group.trim()));
  }
  const pg = (tool: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", join(BIN, tool), ...args]) : run(join(BIN, tool), args));
  const data = join(directory, "data");
  const port = await freePort();
  const options = [`-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c max_connections=60`, ...settings.map((setting) => `-c ${setting}`)].join(" ");
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  await pg("pg_ctl", ["-D", data, "-l", join(directory, "log"), "-o", options, "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await pg("pg_ctl", ["-D", data, "-l", join(directory, "log"), "-o", options, "-m", "fast", "-w", "restart"]);
    },
    async destroy() {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
