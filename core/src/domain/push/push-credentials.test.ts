import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  apnsBody,
  base64OfText,
  encryptedPkcs8Pem,
  fcmBody,
  hmsBody,
  pkcs8Pem,
  sec1Pem,
  serviceAccount,
} from "../../../../test/support/push-fixtures.ts";
import { AdminError, ServiceError } from "../errors.ts";
import { checkPushCredentials, openPushSecret, sealPushSecret } from "./push-credentials.ts";
import type { PushCredentialsInput } from "./push-credentials.ts";

const apns = (overrides: Record<string, unknown> = {}) => ({ platform: "APNS", ...apnsBody(overrides) }) as PushCredentialsInput;
const fcm = (account = serviceAccount(), overrides: Record<string, unknown> = {}) =>
  ({ platform: "FCM", ...fcmBody(account, overrides) }) as PushCredentialsInput;

/** The ERROR_REQUEST an upload is refused with: its message and the one violation. */
function refusal(input: PushCredentialsInput): { message: string; fieldName: string } {
  try {
    checkPushCredentials(input);
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    expect(error.code).toBe("ERROR_REQUEST");
    expect(error.violations).toHaveLength(1);
    return { message: error.message, fieldName: error.violations[0].fieldName };
  }
  throw new Error("expected the upload to be refused");
}

describe("checkPushCredentials", () => {
  it("accepts a PKCS#8 EC P-256 .p8 and keeps the PEM as the secret, the rest as settings", () => {
    const body = apnsBody();
    const checked = checkPushCredentials({ platform: "APNS", ...body } as PushCredentialsInput);
    expect(checked.platform).toBe("APNS");
    expect(checked.settings).toEqual({ topic: body.topic, keyId: body.keyId, teamId: body.teamId, environment: "PRODUCTION" });
    expect(checked.secret).toBe(Buffer.from(body.privateKeyBase64, "base64").toString("utf8"));
    expect(checked.secret).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("accepts the Base64 of a .p8 wrapped at 76 characters, as GNU base64 writes it", () => {
    const wrapped = Buffer.from(pkcs8Pem("p256")).toString("base64").replace(/.{76}/g, "$&\n");
    expect(checkPushCredentials(apns({ privateKeyBase64: wrapped })).platform).toBe("APNS");
  });

  it.each([
    ["not Base64", "%%%not-base64%%%", "privateKeyBase64 is not valid Base64"],
    ["not PEM", base64OfText("hello"), "privateKeyBase64 is not a PEM private key (-----BEGIN PRIVATE KEY-----)"],
    ["a SEC1 key", base64OfText(sec1Pem()), 'privateKeyBase64 is a PEM "EC PRIVATE KEY", not a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)'],
    ["an encrypted key", base64OfText(encryptedPkcs8Pem()), "privateKeyBase64 is an encrypted private key; upload it without a passphrase"],
    ["a P-384 key", base64OfText(pkcs8Pem("p384")), "privateKeyBase64 is an EC secp384r1 key, not an EC P-256 key (APNs signs with ES256)"],
    ["an RSA key", base64OfText(pkcs8Pem("rsa")), "privateKeyBase64 is an RSA key, not an EC P-256 key (APNs signs with ES256)"],
    [
      "a damaged PEM body",
      base64OfText("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
      "privateKeyBase64 is a PEM block that does not hold a readable PKCS#8 private key",
    ],
  ])("refuses an APNs key that is %s, saying so", (_, privateKeyBase64, message) => {
    expect(refusal(apns({ privateKeyBase64 }))).toEqual({ message, fieldName: "privateKeyBase64" });
  });

  it.each([
    ["keyId", "ABCD1234"],
    ["keyId", "abc123defg"],
    ["teamId", "DEF123GHIJK"],
    ["teamId", "DEF-23GHIJ"],
  ])("refuses an APNs %s %s that is not a 10-character Apple ID", (field, value) => {
    expect(refusal(apns({ [field]: value })).fieldName).toBe(field);
  });

  it("accepts a Firebase service account and stores project_id as the project", () => {
    const account = serviceAccount();
    const checked = checkPushCredentials(fcm(account));
    expect(checked.settings).toEqual({ projectId: "fcm-project-id" });
    expect(JSON.parse(checked.secret)).toEqual(account);
    expect(checkPushCredentials(fcm(account, { projectId: undefined })).settings).toEqual({ projectId: "fcm-project-id" });
  });

  it.each([
    ["not JSON", { privateKeyBase64: base64OfText("{nope") }, "privateKeyBase64 is not JSON (expected the Firebase service account file)"],
    ["a JSON array", { privateKeyBase64: base64OfText("[]") }, "privateKeyBase64 is not a JSON object (expected the Firebase service account file)"],
  ])("refuses an FCM file that is %s", (_, overrides, message) => {
    expect(refusal(fcm(serviceAccount(), overrides))).toEqual({ message, fieldName: "privateKeyBase64" });
  });

  it.each([
    [{ type: "authorized_user" }, 'privateKeyBase64 has no "type": "service_account"'],
    [{ project_id: "" }, "privateKeyBase64 has no project_id in the service account file"],
    [{ client_email: undefined }, "privateKeyBase64 has no client_email in the service account file"],
    [{ client_email: "nobody" }, "privateKeyBase64 has a client_email that is not an e-mail address"],
    [{ token_uri: undefined }, "privateKeyBase64 has no token_uri in the service account file"],
    [{ token_uri: "http://oauth2.googleapis.com/token" }, "privateKeyBase64 has a token_uri that is not an https URL"],
    [{ private_key: undefined }, "privateKeyBase64 has no private_key in the service account file"],
    [
      { private_key: "not a key" },
      "privateKeyBase64 has a private_key of the service account that is not a PEM private key (-----BEGIN PRIVATE KEY-----)",
    ],
    [{ private_key: pkcs8Pem("p256") }, "privateKeyBase64 has an EC prime256v1 private_key, not an RSA key (FCM signs with RS256)"],
  ])("refuses the service account %j", (change, message) => {
    const account = { ...serviceAccount(), ...change };
    expect(refusal(fcm(account, { projectId: "fcm-project-id" }))).toEqual({ message, fieldName: "privateKeyBase64" });
  });

  it("refuses an FCM projectId that differs from the file's project_id", () => {
    expect(refusal(fcm(serviceAccount(), { projectId: "other-project" }))).toEqual({
      message: "projectId does not match project_id of the service account file",
      fieldName: "projectId",
    });
  });

  it("keeps the HMS client secret as the secret and the three IDs as settings", () => {
    const checked = checkPushCredentials({ platform: "HMS", ...hmsBody() } as PushCredentialsInput);
    expect(checked).toEqual({
      platform: "HMS",
      settings: { projectId: "hms-project-id", appId: "my-app-id", clientId: "my-client-id" },
      secret: "my-client-secret",
    });
  });
});

describe("sealPushSecret / openPushSecret", () => {
  const masterDbEncryptionKey = randomBytes(16);

  it("stores the secret as it is without a master DB key", () => {
    expect(sealPushSecret({}, 7, "HMS", "s3cret")).toEqual({ secret: "s3cret", encryptionMode: "NO_ENCRYPTION", secretEncryptionKeyId: null });
  });

  it("encrypts with the master DB key, bound to the application and the platform", () => {
    const sealed = sealPushSecret({ masterDbEncryptionKey }, 7, "HMS", "s3cret");
    expect(sealed.encryptionMode).toBe("AES_HMAC");
    expect(sealed.secret).not.toContain("s3cret");
    expect(Buffer.from(sealed.secret, "base64").toString("latin1")).not.toContain("s3cret");
    expect(openPushSecret({ masterDbEncryptionKey }, { applicationId: 7, platform: "HMS", ...sealed })).toBe("s3cret");
    // Moved to another application's or platform's row, the ciphertext no longer opens.
    for (const row of [
      { applicationId: 8, platform: "HMS" as const },
      { applicationId: 7, platform: "FCM" as const },
    ]) {
      let opened: string | undefined;
      try {
        opened = openPushSecret({ masterDbEncryptionKey }, { ...row, ...sealed });
      } catch (error) {
        expect(error).toBeInstanceOf(ServiceError);
        expect((error as ServiceError).code).toBe("ERR0022");
      }
      expect(opened).not.toBe("s3cret");
    }
  });

  it("answers ERR0020 for an encrypted row when the key is gone, ERR0021 for an unknown mode", () => {
    const sealed = sealPushSecret({ masterDbEncryptionKey }, 7, "HMS", "s3cret");
    expect(() => openPushSecret({}, { applicationId: 7, platform: "HMS", ...sealed })).toThrow(
      expect.objectContaining({ code: "ERR0020" }),
    );
    expect(() => openPushSecret({}, { applicationId: 7, platform: "HMS", secret: "x", encryptionMode: "ROT13" })).toThrow(
      expect.objectContaining({ code: "ERR0021" }),
    );
  });
});
