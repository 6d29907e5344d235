import { randomBytes } from "node:crypto";

/**
 * The master DB key test cores run with, one per test process (a core restarted by a test must find its
 * secrets again): on PostgreSQL the core refuses to start without one, and with it every test exercises the
 * encrypted path, as production does.
 */
export const TEST_MASTER_DB_KEY = randomBytes(16);

/** {@link TEST_MASTER_DB_KEY} as the environment of a core process. */
export const TEST_MASTER_DB_KEY_ENV = { POWERAUTH_MASTER_DB_ENCRYPTION_KEY: TEST_MASTER_DB_KEY.toString("base64") };
