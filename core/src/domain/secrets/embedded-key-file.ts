import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../../config.ts";

/** The settings that decide whether the core must bring its own master DB key. */
export interface EmbeddedKeySettings {
  databaseUrl?: string;
  pgliteDir?: string;
  masterDbEncryptionKey?: Buffer;
  allowPlaintextSecrets: boolean;
}

/** Where a key came from, for the start-up log (never the key itself). */
export type MasterDbKeySource = "configured" | "generated" | "key file" | "in memory" | "none";

/** The key file of an embedded database in `pgliteDir`: beside the directory, `<dir>.master-db-key`. */
export function embeddedKeyFilePath(pgliteDir: string): string {
  const directory = path.resolve(pgliteDir);
  return path.join(path.dirname(directory), `${path.basename(directory)}.master-db-key`);
}

/**
 * The master DB key of the embedded database, so that `npm start` keeps its secrets encrypted too: a configured
 * key wins; on PostgreSQL the configuration already refused a missing key (or it was explicitly allowed), as it
 * is on PGlite with POWERAUTH_ALLOW_PLAINTEXT_SECRETS. A PGlite directory keeps its key in a file beside it
 * (16 random bytes as Base64, mode 0600, created on the first start and read on every later one); an in-memory
 * database gets a random key that lives as long as its data, the process.
 */
export async function withEmbeddedDatabaseKey<Settings extends EmbeddedKeySettings>(
  settings: Settings,
): Promise<{ settings: Settings; source: MasterDbKeySource; keyFile?: string }> {
  if (settings.masterDbEncryptionKey) return { settings, source: "configured" };
  if (settings.databaseUrl || settings.allowPlaintextSecrets) return { settings, source: "none" };
  if (!settings.pgliteDir) return { settings: { ...settings, masterDbEncryptionKey: randomBytes(16) }, source: "in memory" };
  const keyFile = embeddedKeyFilePath(settings.pgliteDir);
  const { key, created } = await readOrCreateKeyFile(keyFile);
  return { settings: { ...settings, masterDbEncryptionKey: key }, source: created ? "generated" : "key file", keyFile };
}

/**
 * Reads the key file, or creates it exclusively (`wx`, so two processes starting at once cannot each write a
 * key) with mode 0600 (only the core's user may read it). A file that is not exactly one key, or that others
 * may read, is refused rather than silently replaced: data sealed with it would be lost.
 */
async function readOrCreateKeyFile(keyFile: string): Promise<{ key: Buffer; created: boolean }> {
  const fresh = randomBytes(16);
  try {
    await writeFile(keyFile, `${fresh.toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    return { key: fresh, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const mode = (await stat(keyFile)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`${keyFile} may be read by other users (mode ${mode.toString(8)}); allow only its owner: chmod 600 ${keyFile}`);
  }
  const text = (await readFile(keyFile, "utf8")).trim();
  const key = Buffer.from(text, "base64");
  if (key.length !== 16 || key.toString("base64") !== text) throw new ConfigError(`${keyFile} does not hold the Base64 of a 16-byte key`);
  return { key, created: false };
}
