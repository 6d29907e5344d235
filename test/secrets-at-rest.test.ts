import { randomBytes, randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService, ApnsEnvironment, CallbackType } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreConfig } from "../core/src/config.ts";
import { masterDbKeyId } from "../core/src/crypto/record-encryption.ts";
import { masterDbKeyRing } from "../core/src/domain/secrets/master-db-keys.ts";
import type { MasterDbKeys } from "../core/src/domain/secrets/master-db-keys.ts";
import { SEALED_COLUMNS, resealSecrets } from "../core/src/domain/secrets/reseal-secrets.ts";
import type { ResealCount } from "../core/src/domain/secrets/reseal-secrets.ts";
import { isEncryptedMode, openWithRing } from "../core/src/domain/secrets/sealed-secret.ts";
import { createLogger } from "../core/src/logger.ts";
import { initOrm } from "../core/src/persistence/db.ts";
import type { Db, DbOptions } from "../core/src/persistence/db.ts";
import { listSecretsNotSealedUnder } from "../core/src/persistence/secret-column.repository.ts";
import type { StoredSecretRow } from "../core/src/persistence/secret-column.repository.ts";
import { startServer } from "../core/src/server.ts";
import type { RunningCore } from "../core/src/server.ts";
import { LISTENING, repositoryRoot, startProcess } from "../scripts/processes.ts";
import { TEST_ADMIN, basicAuth, startCoreForTest, testCoreConfig } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { createScratchDatabase, testDatabaseServerUrl } from "./support/database.ts";
import {
  activateDevice,
  createTestApplication,
  issueToken,
  signAndVerify,
  tokenDigest,
  vaultUnlockRequest,
} from "./support/powerauth-flows.ts";
import type { TestApplication, V3Client } from "./support/powerauth-flows.ts";
import { base64OfText, pkcs8Pem, serviceAccount } from "./support/push-fixtures.ts";
import { confirmRecoveryCode, enableRecovery, recoverDevice } from "./support/recovery-flows.ts";
import type { SimulatedDevice } from "./simulator/index.ts";
import { SimulatedPrintingCenter } from "./simulator/index.ts";

// Every secret at rest is sealed with the master DB key (issue #13 §1), on PGlite and on PostgreSQL
// (TEST_DATABASE_URL). The proof is a scan: after every flow that stores a secret, each text, JSON and bytea
// column of every table is searched for each secret the test knows — those it handed in or got back, and every
// sealed value opened with the key — raw, in Base64 and in hex. Then: rows written in the clear are sealed when a
// core starts with a key, a key is rotated (on start and with `npm run admin -- rotate-db-key`) and the old one
// removed, the embedded database generates its key file (0600), and PostgreSQL without a key is refused.

interface Clients {
  v3: V3Client;
  admin: Client<typeof AdminService>;
}

/** What the flows leave behind that a later core must still be able to use. */
interface FlowState {
  name: string;
  app: TestApplication;
  device: SimulatedDevice;
  token: { tokenId: string; tokenSecret: string };
  /** Postcard PUKs not used yet. */
  puks: string[];
  recoveryCode: string;
  /** Secrets the test handed in or got back: label → value. */
  known: Map<string, Buffer>;
}

/** Runs every flow that stores a secret: application (master key), activation, token, vault, recovery with a postcard, callbacks with credentials, push credentials, configuration. */
async function runEveryFlow(clients: Clients): Promise<FlowState> {
  const { v3, admin } = clients;
  const name = `secrets-${randomUUID()}`;
  const known = new Map<string, Buffer>();
  const app = await createTestApplication(v3, name);
  const center = new SimulatedPrintingCenter();
  await enableRecovery(v3, app, { postcards: true, remotePostcardPublicKey: center.publicKey });
  const { device, userId } = await activateDevice(v3, app);
  expect((await signAndVerify(v3, device)).signatureValid).toBe(true);
  if (device.activationRecovery) known.set("activation recovery PUK", Buffer.from(device.activationRecovery.puk));

  const token = await issueToken(v3, device);
  expect((await v3.validateToken(tokenDigest(device, token))).tokenValid).toBe(true);
  known.set("token secret", Buffer.from(token.tokenSecret, "base64"));

  const vault = await v3.vaultUnlock(vaultUnlockRequest(device));
  const vaultKey = device.processVaultUnlockResponse({ encryptedData: vault.encryptedData ?? "", mac: vault.mac ?? "" }).encryptedVaultEncryptionKey;
  known.set("vault key", Buffer.from(vaultKey ?? "", "base64"));

  const serverPostcardKey = (await v3.getRecoveryConfig({ applicationId: app.applicationId })).postcardPublicKey ?? "";
  const created = await v3.createRecoveryCode({ applicationId: app.applicationId, userId, pukCount: 3n });
  const card = center.printPostcard(serverPostcardKey, created.nonce, created.puks.map((puk) => puk.pukDerivationIndex));
  await confirmRecoveryCode(v3, device, card.recoveryCode);
  card.puks.forEach((puk, index) => known.set(`postcard PUK ${index}`, Buffer.from(puk)));
  const recovered = await recoverDevice(v3, app, card.recoveryCode, card.puks[0]);
  expect(recovered.response.userId).toBe(userId);

  const basicPassword = `basic-${randomBytes(12).toString("hex")}`;
  const oauthSecret = `oauth-${randomBytes(12).toString("hex")}`;
  known.set("callback password", Buffer.from(basicPassword));
  known.set("callback client secret", Buffer.from(oauthSecret));
  const callback = { appId: name, type: CallbackType.REGISTRATION_STATUS_CHANGE, attributes: [] };
  await admin.createCallback({
    ...callback,
    name: "basic",
    callbackUrl: "https://bank.example/basic",
    authentication: { httpBasic: { enabled: true, username: "bank", password: basicPassword } },
  });
  await admin.createCallback({
    ...callback,
    name: "oauth2",
    callbackUrl: "https://bank.example/oauth2",
    authentication: { oauth2: { enabled: true, clientId: "powerauth", clientSecret: oauthSecret, tokenUri: "https://auth.bank.example/token", scope: "callbacks" } },
  });

  const apnsKey = pkcs8Pem("p256");
  const account = serviceAccount({ project_id: "secrets-project" });
  const hmsSecret = `hms-${randomBytes(12).toString("hex")}`;
  known.set("APNs key file", Buffer.from(apnsKey));
  known.set("FCM service account", Buffer.from(JSON.stringify(account)));
  known.set("FCM private key", Buffer.from(String(account.private_key)));
  known.set("HMS client secret", Buffer.from(hmsSecret));
  await admin.updatePushApnsConfig({
    id: name,
    topic: "com.bank.app",
    keyId: "ABC123DEFG",
    teamId: "DEF123GHIJ",
    environment: ApnsEnvironment.PRODUCTION,
    privateKeyBase64: base64OfText(apnsKey),
  });
  await admin.updatePushFcmConfig({ id: name, privateKeyBase64: base64OfText(JSON.stringify(account)) });
  await admin.updatePushHmsConfig({ id: name, projectId: "hms-project", appId: "hms-app", clientId: "hms-client", clientSecret: hmsSecret });

  const configSecret = `oidc-${randomBytes(12).toString("hex")}`;
  known.set("configuration client secret", Buffer.from(configSecret));
  const provider = { providerId: "bank-idp", clientId: "mobile", clientSecret: configSecret, issuerUri: "https://idp.bank.example" };
  await admin.createApplicationConfig({ id: name, key: "oauth2_providers", values: [fromJson(ValueSchema, provider)] });
  expect((await admin.getApplicationConfig({ id: name })).applicationConfigs).toHaveLength(1);

  return { name, app, device, token, puks: card.puks.slice(1), recoveryCode: card.recoveryCode, known };
}

/** Proves the core can still use what the flows stored: signatures, the token, a postcard PUK, the configuration, callbacks. */
async function useStoredSecrets(clients: Clients, state: FlowState): Promise<void> {
  expect((await signAndVerify(clients.v3, state.device)).signatureValid).toBe(true);
  expect((await clients.v3.validateToken(tokenDigest(state.device, state.token))).tokenValid).toBe(true);
  const puk = state.puks.shift();
  if (puk) expect((await recoverDevice(clients.v3, state.app, state.recoveryCode, puk)).response.activationId).not.toBe("");
  const configs = (await clients.admin.getApplicationConfig({ id: state.name })).applicationConfigs;
  expect(JSON.stringify(configs)).toContain(state.known.get("configuration client secret")!.toString());
  const callbacks = (await clients.admin.listCallbacks({ appId: state.name })).callbacks;
  expect(callbacks.map((callback) => callback.authentication?.httpBasic?.passwordSet || callback.authentication?.oauth2?.clientSecretSet)).toEqual([true, true]);
}

/** Every row of every secret column (no key has the id "-", so each row counts as "not under it"). */
async function everySealedRow(db: Db): Promise<{ kind: (typeof SEALED_COLUMNS)[number]["kind"]; row: StoredSecretRow }[]> {
  const rows = [];
  for (const { column, kind } of SEALED_COLUMNS) {
    const found = await db.read((tx) => listSecretsNotSealedUnder(tx, column, "-", "-", null, 100_000));
    rows.push(...found.map((row) => ({ kind, row })));
  }
  return rows;
}

/** Every secret value the database holds, opened with `keys` (throws if any does not open). */
async function openEverySecret(db: Db, keys: MasterDbKeys): Promise<Map<string, Buffer>> {
  const ring = masterDbKeyRing(keys);
  const opened = new Map<string, Buffer>();
  for (const { kind, row } of await everySealedRow(db)) {
    opened.set(`${kind.name} ${row.primaryKey}`, openWithRing(ring, kind, row.owner as never, { stored: row.stored, mode: row.mode, keyId: row.keyId }));
  }
  return opened;
}

/** How many secret rows are not sealed under `keyId`. */
async function rowsNotUnder(db: Db, keyId: string): Promise<number> {
  return (await everySealedRow(db)).filter(({ row }) => isEncryptedMode(row.mode) !== true || row.keyId !== keyId).length;
}

/** The forms a secret could be stored in: as text (when it is text), Base64, Base64url and hex. */
function formsOf(secret: Buffer): string[] {
  const text = secret.toString("utf8");
  const forms = [secret.toString("base64"), secret.toString("base64url"), secret.toString("hex")];
  if (Buffer.from(text, "utf8").equals(secret) && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) forms.push(text);
  // Short forms would match by chance; every secret here is longer.
  return forms.filter((form) => form.length >= 10);
}

/** Where any of `secrets` appears, in any form, in any text, JSON or bytea column of any table. */
async function findSecrets(db: Db, secrets: Map<string, Buffer>): Promise<string[]> {
  const columns = await db.read((tx) =>
    tx
      .getConnection()
      .execute<{ table_name: string; column_name: string }[]>(
        `select table_name, column_name from information_schema.columns
         where table_schema = current_schema() and data_type in ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')
         order by table_name, column_name`,
      ),
  );
  expect(columns.length).toBeGreaterThan(30);
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const values = await db.read((tx) =>
      tx.getConnection().execute<{ value: string }[]>(`select "${column}"::text as value from "${table}" where "${column}" is not null`),
    );
    const haystack = values.map((row) => row.value).join("\n");
    const lower = haystack.toLowerCase();
    for (const [label, secret] of secrets) {
      for (const form of formsOf(secret)) {
        if (haystack.includes(form) || (/^[0-9a-f]+$/.test(form) && lower.includes(form))) found.push(`${label} in ${table}.${column}`);
      }
    }
  }
  return [...new Set(found)];
}

// --- a core on a database of the test's own, so several cores (and the admin command) can use it in turn ----

interface OwnDatabase {
  options: DbOptions;
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function ownDatabase(): Promise<OwnDatabase> {
  const scratch = await createScratchDatabase();
  if (scratch.url) return { options: { databaseUrl: scratch.url }, env: { DATABASE_URL: scratch.url }, drop: scratch.drop };
  const directory = await mkdtemp(path.join(tmpdir(), "pa-secrets-"));
  const pgliteDir = path.join(directory, "pglite");
  return { options: { pgliteDir }, env: { PGLITE_DIR: pgliteDir }, drop: () => rm(directory, { recursive: true, force: true }) };
}

/** A core on `db` with exactly the master DB keys of `settings` (none unless given). */
async function startCoreOn(db: Db, settings: Partial<CoreConfig>): Promise<Clients & { core: RunningCore }> {
  const config = testCoreConfig({ masterDbEncryptionKey: undefined, activationExpiryJobIntervalMs: 0, ...settings });
  const core = await startServer({ config, db, log: createLogger("core", { quiet: true }), accessLog: false });
  return {
    core,
    v3: createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url })),
    admin: createClient(AdminService, createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(TEST_ADMIN.username, TEST_ADMIN.password)] })),
  };
}

/** Runs `npm run admin -- rotate-db-key` (the script itself) with the database's and the keys' environment. */
function rotateDbKey(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["scripts/admin.ts", "rotate-db-key"], {
    cwd: repositoryRoot,
    env: { ...process.env, POWERAUTH_MASTER_DB_ENCRYPTION_KEY: "", POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

const base64 = (key: Buffer) => key.toString("base64");

/** Each test starts cores (a PGlite database takes seconds to create) on a machine CI shares: more than the default minute. */
const SLOW_TEST_MS = 180_000;

describe("secrets at rest, written by a core with a master DB key", () => {
  let t: CoreUnderTest;
  beforeAll(async () => {
    t = await startCoreForTest({ activationExpiryJobIntervalMs: 0, masterDbEncryptionKey: randomBytes(16) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("leaves no secret the test knows, nor any sealed value in clear, in any column: raw, Base64 or hex", async () => {
    const state = await runEveryFlow(t);
    const opened = await openEverySecret(t.core.db, t.config);
    // One of each kind of secret column is filled (two callbacks, three push services, several PUKs and tokens).
    expect(new Set([...opened.keys()].map((label) => label.replace(/ \S+$/, ""))).size).toBe(SEALED_COLUMNS.length);
    expect(await rowsNotUnder(t.core.db, masterDbKeyId(t.config.masterDbEncryptionKey!))).toBe(0);
    expect(await findSecrets(t.core.db, new Map([...state.known, ...opened]))).toEqual([]);
  }, SLOW_TEST_MS);
});

describe("sealing rows written in the clear, and rotating the key", () => {
  const [k1, k2, k3] = [randomBytes(16), randomBytes(16), randomBytes(16)];
  let database: OwnDatabase;
  let db: Db;
  let state: FlowState;
  let clearSecrets: Map<string, Buffer>;

  beforeAll(async () => {
    database = await ownDatabase();
    db = await initOrm(database.options);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("stores secrets in the clear where plaintext is allowed, and the scan finds them", async () => {
    const plain = await startCoreOn(db, { allowPlaintextSecrets: true });
    try {
      state = await runEveryFlow(plain);
    } finally {
      await plain.core.close();
    }
    clearSecrets = await openEverySecret(db, {});
    const leaks = await findSecrets(db, new Map([...state.known, ...clearSecrets]));
    // The proof that the scan sees what it looks for: every kind of secret is found in the clear.
    for (const label of ["token secret in pa_token.token_secret", "callback password in pa_application_callback.authentication", "HMS client secret in pa_push_credential.secret"]) {
      expect(leaks).toContain(label);
    }
    expect(leaks.some((leak) => leak.startsWith("master private key"))).toBe(true);
    expect(leaks.some((leak) => leak.startsWith("configuration client secret"))).toBe(true);
  }, SLOW_TEST_MS);

  it("seals every clear row when a core starts with a key, and the stored secrets still work", async () => {
    const sealed = await startCoreOn(db, { masterDbEncryptionKey: k1 });
    try {
      expect(await rowsNotUnder(db, masterDbKeyId(k1))).toBe(0);
      expect(await findSecrets(db, new Map([...state.known, ...clearSecrets]))).toEqual([]);
      await useStoredSecrets(sealed, state);
    } finally {
      await sealed.core.close();
    }
  }, SLOW_TEST_MS);

  it("re-seals under a new key on start while the old one is a previous key, and works without the old key afterwards", async () => {
    // As records sealed before key ids existed (or by the reference) are: the key that opens them is found by trying.
    for (const { column } of SEALED_COLUMNS) {
      await db.read((tx) => tx.getConnection().execute(`update ${column.table} set ${column.keyId} = null`));
    }
    const rotating = await startCoreOn(db, { masterDbEncryptionKey: k2, masterDbEncryptionPreviousKeys: [k1] });
    await rotating.core.close();
    expect(await rowsNotUnder(db, masterDbKeyId(k2))).toBe(0);
    const rotated = await startCoreOn(db, { masterDbEncryptionKey: k2 });
    try {
      await useStoredSecrets(rotated, state);
      // Every value opens with the new key alone (openEverySecret throws on the first that does not).
      expect((await openEverySecret(db, { masterDbEncryptionKey: k2 })).size).toBeGreaterThan(clearSecrets.size);
    } finally {
      await rotated.core.close();
    }
  }, SLOW_TEST_MS);

  it("rotate-db-key re-seals everything in batches and reports the counts; without the sealing key it reports what it cannot open", async () => {
    // An embedded database has one user at a time: the command gets it to itself.
    await db.close();
    const missing = await rotateDbKey({ ...database.env, POWERAUTH_MASTER_DB_ENCRYPTION_KEY: base64(k3) });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/token secret\t0 re-sealed\t\d+ unreadable/);
    expect(missing.output).toContain("keep the key that sealed them in POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS");

    const rotation = await rotateDbKey({ ...database.env, POWERAUTH_MASTER_DB_ENCRYPTION_KEY: base64(k3), POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS: base64(k2) });
    expect(rotation.output).toContain(`every secret is sealed under key ${masterDbKeyId(k3)}`);
    expect(rotation.code).toBe(0);
    for (const { kind } of SEALED_COLUMNS) expect(rotation.output).toMatch(new RegExp(`${kind.name}\\t[1-9]\\d* re-sealed\\t0 unreadable`));

    db = await initOrm(database.options);
    expect(await rowsNotUnder(db, masterDbKeyId(k3))).toBe(0);
    const afterCommand = await startCoreOn(db, { masterDbEncryptionKey: k3 });
    try {
      await useStoredSecrets(afterCommand, state);
    } finally {
      await afterCommand.core.close();
    }
  }, SLOW_TEST_MS);
});

describe("resealSecrets", () => {
  it("walks each table in batches of the given size and seals every row under the current key", async () => {
    const database = await ownDatabase();
    const db = await initOrm(database.options);
    const [before, after] = [randomBytes(16), randomBytes(16)];
    try {
      const core = await startCoreOn(db, { masterDbEncryptionKey: before });
      const state = await runEveryFlow(core).finally(() => core.core.close());
      const batches: ResealCount[] = [];
      const report = await resealSecrets(db, { masterDbEncryptionKey: after, masterDbEncryptionPreviousKeys: [before] }, { batchSize: 2, onBatch: (batch) => batches.push(batch) });
      const puks = report.counts.find((count) => count.kind === "recovery PUK hash");
      // Three postcard PUKs and one PUK per activation (the first one and the recovered one): at least three batches.
      expect(puks?.resealed).toBeGreaterThanOrEqual(5);
      expect(batches.filter((batch) => batch.kind === "recovery PUK hash").map((batch) => batch.resealed).every((n) => n <= 2)).toBe(true);
      expect(batches.filter((batch) => batch.kind === "recovery PUK hash").length).toBe(Math.ceil(puks!.resealed / 2));
      expect(report.counts.every((count) => count.resealed > 0 && count.unreadable === 0)).toBe(true);
      expect(await rowsNotUnder(db, masterDbKeyId(after))).toBe(0);
      // Nothing left to do: a second run changes no row.
      expect((await resealSecrets(db, { masterDbEncryptionKey: after })).counts.every((count) => count.resealed === 0)).toBe(true);
      const afterOnly = await startCoreOn(db, { masterDbEncryptionKey: after });
      await useStoredSecrets(afterOnly, state).finally(() => afterOnly.core.close());
    } finally {
      await db.close();
      await database.drop();
    }
  }, SLOW_TEST_MS);
});

describe("the core process", () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it("generates the embedded database's key on first start (mode 0600, beside the data) and uses it on the next", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "pa-npm-start-"));
    directories.push(directory);
    const env = { CORE_PORT: "0", POWERAUTH_ACCESS_LOG: "false", PGLITE_DIR: path.join(directory, "pglite"), POWERAUTH_MASTER_DB_ENCRYPTION_KEY: "" };
    const keyFile = path.join(directory, "pglite.master-db-key");
    const first = await startProcess({ name: "core", script: "core/src/main.ts", env, urlPattern: LISTENING.core });
    let applicationId: bigint;
    try {
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(first.output()).toContain('"source":"generated"');
      const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: first.url }));
      applicationId = (await v3.createApplication({ applicationName: "npm-start" })).applicationId;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const key = Buffer.from((await readFile(keyFile, "utf8")).trim(), "base64");
    expect(key).toHaveLength(16);

    const second = await startProcess({ name: "core", script: "core/src/main.ts", env, urlPattern: LISTENING.core });
    try {
      expect(second.output()).toContain('"source":"key file"');
      const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: second.url }));
      // InitActivation signs with the master private key: it opens with the key read from the file.
      expect((await v3.initActivation({ userId: "npm-start-user", applicationId })).activationSignature).not.toBe("");
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const db = await initOrm({ pgliteDir: env.PGLITE_DIR });
    try {
      expect(await rowsNotUnder(db, masterDbKeyId(key))).toBe(0);
      expect((await everySealedRow(db)).length).toBeGreaterThanOrEqual(2);
    } finally {
      await db.close();
    }
  }, SLOW_TEST_MS);

  it("refuses to start on PostgreSQL without a master DB key unless plaintext secrets are explicitly allowed", async () => {
    const env = { CORE_PORT: "0", DATABASE_URL: "postgres://powerauth@127.0.0.1:1/powerauth", POWERAUTH_MASTER_DB_ENCRYPTION_KEY: "", POWERAUTH_ALLOW_PLAINTEXT_SECRETS: "" };
    const refused = await startProcess({ name: "core", script: "core/src/main.ts", env, urlPattern: LISTENING.core }).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(refused).toContain("exited with 1 before listening");
    expect(refused).toContain("DATABASE_URL is set but POWERAUTH_MASTER_DB_ENCRYPTION_KEY is not");
    if (!testDatabaseServerUrl()) return;
    // With the explicit opt-out it starts (on the test server's database), secrets in the clear.
    const scratch = await createScratchDatabase();
    try {
      const allowed = await startProcess({
        name: "core",
        script: "core/src/main.ts",
        env: { ...env, DATABASE_URL: scratch.url!, POWERAUTH_ALLOW_PLAINTEXT_SECRETS: "true" },
        urlPattern: LISTENING.core,
      });
      expect(allowed.output()).toContain('"source":"none"');
      expect(await allowed.stop()).toBe(0);
    } finally {
      await scratch.drop();
    }
  }, SLOW_TEST_MS);
});
