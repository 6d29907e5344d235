import { randomUUID } from "node:crypto";
import type { Application } from "../../persistence/application.entity.ts";
import { findApplicationByName } from "../../persistence/application.repository.ts";
import { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { findEnabledCallback, listCallbacksOfApplication } from "../../persistence/callback.repository.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { applicationNotFound } from "../applications/application-config.ts";
import { AdminError } from "../errors.ts";
import type { Violation } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { openCallbackAuthentication, sealCallbackAuthentication } from "./callback-authentication.ts";
import type { CallbackAuthentication } from "./callback-authentication.ts";
import { isValidCallbackUrl, requireCallbackAttributes } from "./callback-rules.ts";
import type { CallbackType } from "./callback-rules.ts";
import { isoDurationToMs } from "./iso-duration.ts";

type CallbackDefaults = Pick<ServiceSettings, "masterDbEncryptionKey" | "masterDbEncryptionPreviousKeys" | "callbackDefaultMaxAttempts" | "callbackDefaultInitialBackoff" | "callbackDefaultRetentionPeriod">;

/**
 * Outbound authentication as an admin writes it. A secret left null keeps the stored one (so a console can
 * edit a callback without knowing its password); a method left out is removed.
 */
export interface CallbackAuthenticationInput {
  httpBasic?: { enabled: boolean; username: string | null; password: string | null };
  oauth2?: { enabled: boolean; clientId: string | null; clientSecret: string | null; tokenUri: string | null; scope: string | null };
}

/** A Cloud Admin create or update of a callback: everything is replaced but secrets left out. */
export interface CloudCallbackInput {
  /** The Cloud application id, i.e. the application's name. */
  applicationName: string;
  name: string;
  type: CallbackType;
  callbackUrl: string;
  attributes: string[];
  /** Undefined: on create no authentication, on update the stored one is kept as it is. */
  authentication?: CallbackAuthenticationInput;
  /** Null: the configured default, which then follows the configuration. */
  retentionPeriod: string | null;
  initialBackoff: string | null;
  maxAttempts: number | null;
}

/** Outbound authentication as it is read back: secrets are only reported as set or not. */
export interface CallbackAuthenticationView {
  httpBasic: { enabled: boolean; username: string | null; passwordSet: boolean };
  oauth2: { enabled: boolean; clientId: string | null; clientSecretSet: boolean; tokenUri: string | null; scope: string | null };
}

/** A callback as the Cloud Admin API shows it, delivery settings as they take effect. */
export interface CloudCallbackView {
  applicationId: string;
  callbackId: string;
  name: string;
  type: CallbackType;
  callbackUrl: string;
  attributes: string[];
  authentication: CallbackAuthenticationView;
  retentionPeriod: string;
  initialBackoff: string;
  maxAttempts: number;
}

const LIMIT = { text: 255, secret: 1024, url: 2048, duration: 64, maxAttempts: 1000 } as const;

/**
 * Registers a callback through the Cloud Admin API. Malformed settings are ERROR_REQUEST with every violation
 * (before the database is touched); an unknown application or a callback URL the core cannot POST to is
 * ERROR_ADMIN, as the seed says. Secrets are sealed with the master DB key bound to the new callback's id.
 */
export async function createCloudCallback(db: Db, settings: CallbackDefaults, input: CloudCallbackInput): Promise<CloudCallbackView> {
  const attributes = checkCallbackInput(input);
  const authentication = mergeAuthentication(input.authentication, null);
  return db.transaction(async (tx) => {
    const application = await requireApplication(tx, input.applicationName);
    const id = randomUUID();
    const sealed = sealOrNull(settings, id, authentication);
    const callback = tx.create(ApplicationCallback, {
      id,
      applicationId: application.id,
      name: input.name,
      callbackUrl: input.callbackUrl,
      type: input.type,
      attributes,
      authentication: sealed.authentication,
      encryptionMode: sealed.encryptionMode,
      authenticationEncryptionKeyId: sealed.authenticationEncryptionKeyId,
      payloadFormat: "CLOUD",
      maxAttempts: input.maxAttempts,
      initialBackoff: input.initialBackoff,
      retentionPeriod: input.retentionPeriod,
      enabled: true,
      timestampCreated: new Date(),
    });
    await tx.flush();
    return toCloudCallbackView(application.name, callback, authentication, settings);
  });
}

/** The application's callbacks through the Cloud Admin API (removed ones left out), without any secret. */
export async function listCloudCallbacks(db: Db, settings: CallbackDefaults, applicationName: string): Promise<CloudCallbackView[]> {
  return db.read(async (tx) => {
    const application = await requireApplication(tx, applicationName);
    const callbacks = await listCallbacksOfApplication(tx, application.id, { withAuthentication: true });
    return callbacks.map((callback) => toCloudCallbackView(application.name, callback, openCallbackAuthentication(settings, callback), settings));
  });
}

/**
 * Replaces a callback's settings (Cloud Admin PUT). Secrets left null keep their stored values; the callback
 * becomes a Cloud callback (a SOAP-registered one then gets the Cloud payload with the attributes given here).
 * A callback of another application, or a removed one, is "not found" (ERROR_ADMIN).
 */
export async function updateCloudCallback(
  db: Db,
  settings: CallbackDefaults,
  input: CloudCallbackInput & { callbackId: string },
): Promise<CloudCallbackView> {
  const attributes = checkCallbackInput(input);
  return db.transaction(async (tx) => {
    const application = await requireApplication(tx, input.applicationName);
    const callback = await requireCallback(tx, application, input.callbackId, { withAuthentication: true });
    const stored = openCallbackAuthentication(settings, callback);
    const authentication = input.authentication === undefined ? stored : mergeAuthentication(input.authentication, stored);
    const sealed = sealOrNull(settings, callback.id, authentication);
    callback.name = input.name;
    callback.type = input.type;
    callback.callbackUrl = input.callbackUrl;
    callback.attributes = attributes;
    callback.authentication = sealed.authentication;
    callback.encryptionMode = sealed.encryptionMode;
    callback.authenticationEncryptionKeyId = sealed.authenticationEncryptionKeyId;
    callback.payloadFormat = "CLOUD";
    callback.maxAttempts = input.maxAttempts;
    callback.initialBackoff = input.initialBackoff;
    callback.retentionPeriod = input.retentionPeriod;
    callback.timestampLastUpdated = new Date();
    await tx.flush();
    return toCloudCallbackView(application.name, callback, authentication, settings);
  });
}

/**
 * Removes a callback (Cloud Admin DELETE) by clearing `enabled`: its outbox rows keep their reference and no
 * new ones are written. Unknown, removed or another application's callback: ERROR_ADMIN.
 */
export async function removeCloudCallback(db: Db, input: { applicationName: string; callbackId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const application = await requireApplication(tx, input.applicationName);
    const callback = await requireCallback(tx, application, input.callbackId, { withAuthentication: false });
    callback.enabled = false;
    callback.timestampLastUpdated = new Date();
    await tx.flush();
  });
}

async function requireApplication(tx: Tx, applicationName: string): Promise<Application> {
  const application = await findApplicationByName(tx, applicationName);
  if (!application) throw applicationNotFound(applicationName);
  return application;
}

async function requireCallback(tx: Tx, application: Application, callbackId: string, options: { withAuthentication: boolean }) {
  const callback = await findEnabledCallback(tx, callbackId, { ...options, forUpdate: true });
  if (!callback || callback.applicationId !== application.id) throw new AdminError("ERROR_ADMIN", `Callback not found: ${callbackId}`);
  return callback;
}

/**
 * Every rule on the settings that needs no database, violations collected so the caller sees all at once.
 * The callback URL comes last and on its own: the seed answers an unusable URL with ERROR_ADMIN.
 * Returns the attributes as stored.
 */
function checkCallbackInput(input: CloudCallbackInput): string[] {
  const violations: Violation[] = [];
  const add = (fieldName: string, hint: string) => violations.push({ fieldName, hint });
  checkText(add, "name", input.name, LIMIT.text, true);
  checkText(add, "callbackUrl", input.callbackUrl, LIMIT.url, true);
  for (const field of ["retentionPeriod", "initialBackoff"] as const) {
    const value = input[field];
    if (value !== null && (value.length > LIMIT.duration || isoDurationToMs(value) === null)) add(field, "must be an ISO 8601 duration of at least zero, such as PT2S or P30D");
  }
  if (input.maxAttempts !== null && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1 || input.maxAttempts > LIMIT.maxAttempts)) {
    add("maxAttempts", `must be between 1 and ${LIMIT.maxAttempts}`);
  }
  const basic = input.authentication?.httpBasic;
  if (basic) {
    checkText(add, "authentication.httpBasic.username", basic.username, LIMIT.text, basic.enabled);
    checkText(add, "authentication.httpBasic.password", basic.password, LIMIT.secret, false);
  }
  const oauth2 = input.authentication?.oauth2;
  if (oauth2) {
    checkText(add, "authentication.oauth2.clientId", oauth2.clientId, LIMIT.text, oauth2.enabled);
    checkText(add, "authentication.oauth2.clientSecret", oauth2.clientSecret, LIMIT.secret, false);
    checkText(add, "authentication.oauth2.scope", oauth2.scope, LIMIT.secret, false);
    if (oauth2.tokenUri !== null || oauth2.enabled) {
      if (oauth2.tokenUri === null || !isValidCallbackUrl(oauth2.tokenUri)) add("authentication.oauth2.tokenUri", "must be an absolute http or https URL");
    }
  }
  // Both would set the Authorization header; the delivery could honour only one of them.
  if (basic?.enabled && oauth2?.enabled) add("authentication", "at most one of httpBasic and oauth2 may be enabled");
  if (violations.length > 0) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);
  const attributes = requireCallbackAttributes(input.type, input.attributes);
  if (!isValidCallbackUrl(input.callbackUrl)) throw new AdminError("ERROR_ADMIN", "Invalid callback URL");
  return attributes;
}

function checkText(add: (fieldName: string, hint: string) => void, fieldName: string, value: string | null, maxLength: number, required: boolean) {
  if (value === null || value.trim() === "") {
    if (required) add(fieldName, "must not be empty");
  } else if (value.length > maxLength) {
    add(fieldName, `size must be between 1 and ${maxLength}`);
  }
}

/**
 * The authentication to store: the request's methods, each secret taken from the request or else from what is
 * stored. An enabled method must end up with its secret (ERROR_REQUEST otherwise).
 */
function mergeAuthentication(input: CallbackAuthenticationInput | undefined, stored: CallbackAuthentication | null): CallbackAuthentication | null {
  if (!input) return null;
  const result: CallbackAuthentication = {};
  const violations: Violation[] = [];
  if (input.httpBasic) {
    const password = nonEmpty(input.httpBasic.password) ?? stored?.httpBasic?.password ?? null;
    if (input.httpBasic.enabled && password === null) violations.push({ fieldName: "authentication.httpBasic.password", hint: "must not be empty" });
    result.httpBasic = { enabled: input.httpBasic.enabled, username: input.httpBasic.username ?? "", password };
  }
  if (input.oauth2) {
    const clientSecret = nonEmpty(input.oauth2.clientSecret) ?? stored?.oauth2?.clientSecret ?? null;
    if (input.oauth2.enabled && clientSecret === null) violations.push({ fieldName: "authentication.oauth2.clientSecret", hint: "must not be empty" });
    result.oauth2 = {
      enabled: input.oauth2.enabled,
      clientId: input.oauth2.clientId ?? "",
      clientSecret,
      tokenUri: input.oauth2.tokenUri ?? "",
      scope: nonEmpty(input.oauth2.scope),
    };
  }
  if (violations.length > 0) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);
  return result.httpBasic || result.oauth2 ? result : null;
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === "" ? null : value;
}

function sealOrNull(settings: CallbackDefaults, callbackId: string, authentication: CallbackAuthentication | null) {
  if (!authentication) return { authentication: null, encryptionMode: "NO_ENCRYPTION" as const, authenticationEncryptionKeyId: null };
  return sealCallbackAuthentication(settings, callbackId, authentication);
}

function toCloudCallbackView(
  applicationName: string,
  callback: ApplicationCallback,
  authentication: CallbackAuthentication | null,
  settings: CallbackDefaults,
): CloudCallbackView {
  const basic = authentication?.httpBasic;
  const oauth2 = authentication?.oauth2;
  return {
    applicationId: applicationName,
    callbackId: callback.id,
    name: callback.name ?? "",
    type: callback.type === "OPERATION_STATUS_CHANGE" ? "OPERATION_STATUS_CHANGE" : "ACTIVATION_STATUS_CHANGE",
    callbackUrl: callback.callbackUrl,
    attributes: [...callback.attributes],
    authentication: {
      httpBasic: { enabled: basic?.enabled ?? false, username: nonEmpty(basic?.username ?? null), passwordSet: Boolean(basic?.password) },
      oauth2: {
        enabled: oauth2?.enabled ?? false,
        clientId: nonEmpty(oauth2?.clientId ?? null),
        clientSecretSet: Boolean(oauth2?.clientSecret),
        tokenUri: nonEmpty(oauth2?.tokenUri ?? null),
        scope: oauth2?.scope ?? null,
      },
    },
    retentionPeriod: callback.retentionPeriod ?? settings.callbackDefaultRetentionPeriod,
    initialBackoff: callback.initialBackoff ?? settings.callbackDefaultInitialBackoff,
    maxAttempts: callback.maxAttempts ?? settings.callbackDefaultMaxAttempts,
  };
}
