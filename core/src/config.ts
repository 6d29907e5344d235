/**
 * Configuration of the core, read from the environment once at start. Every variable is documented in the
 * README; invalid values stop the process with a clear message instead of being guessed.
 */
export interface CoreConfig {
  host: string;
  port: number;
  databaseUrl?: string;
  pgliteDir?: string;
  /** 16-byte key protecting secrets at rest (server-behaviour.md §2.3); absent = stored unencrypted. */
  masterDbEncryptionKey?: Buffer;
  /** When true every PowerAuth service call must carry integration credentials (HTTP Basic). */
  restrictAccess: boolean;
  /** First Cloud Admin API user, created on start when no user of that name exists. */
  adminUsername?: string;
  adminPassword?: string;
  /** Base URL of the enrollment (standard RESTful) API, reported by the admin API as `serviceBaseUrl`. */
  serviceBaseUrl: string;
  applicationName: string;
  applicationDisplayName: string;
  applicationEnvironment: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  return {
    host: env.CORE_HOST || "127.0.0.1",
    port: parsePort(env.CORE_PORT, 50051, "CORE_PORT"),
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir: env.PGLITE_DIR || undefined,
    masterDbEncryptionKey: parseMasterKey(env.POWERAUTH_MASTER_DB_ENCRYPTION_KEY),
    restrictAccess: parseBoolean(env.POWERAUTH_RESTRICT_ACCESS, false, "POWERAUTH_RESTRICT_ACCESS"),
    adminUsername: env.POWERAUTH_ADMIN_USERNAME || undefined,
    adminPassword: env.POWERAUTH_ADMIN_PASSWORD || undefined,
    serviceBaseUrl: env.POWERAUTH_SERVICE_BASE_URL || "http://localhost:8080/enrollment-server/",
    applicationName: env.POWERAUTH_APPLICATION_NAME || "powerauth-server",
    applicationDisplayName: env.POWERAUTH_APPLICATION_DISPLAY_NAME || "PowerAuth Server",
    applicationEnvironment: env.POWERAUTH_APPLICATION_ENVIRONMENT || "",
  };
}

export function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number 0-65535, got "${value}"`);
  }
  return port;
}

function parseBoolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === "") return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseMasterKey(value: string | undefined): Buffer | undefined {
  if (value === undefined || value === "") return undefined;
  const key = Buffer.from(value, "base64");
  if (key.length !== 16 || key.toString("base64") !== value) {
    throw new ConfigError("POWERAUTH_MASTER_DB_ENCRYPTION_KEY must be the Base64 of exactly 16 bytes");
  }
  return key;
}
