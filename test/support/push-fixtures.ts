import { generateKeyPairSync } from "node:crypto";

/** Upload bodies for the push credential endpoints, with keys generated per run (no key material in the repo). */

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A fresh PKCS#8 PEM private key of the given kind. */
export function pkcs8Pem(kind: "p256" | "p384" | "rsa" | "ed25519"): string {
  switch (kind) {
    case "p256":
      return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    case "p384":
      return generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    case "rsa":
      return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    case "ed25519":
      return generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  }
}

/** The same P-256 key in SEC1 form (`BEGIN EC PRIVATE KEY`), which is not a `.p8`. */
export function sec1Pem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "sec1" }).toString();
}

/** A P-256 PKCS#8 key encrypted with a passphrase (`BEGIN ENCRYPTED PRIVATE KEY`). */
export function encryptedPkcs8Pem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "secret" })
    .toString();
}

export function apnsBody(overrides: Record<string, unknown> = {}) {
  return {
    topic: "com.wultra.apns.topic",
    keyId: "ABC123DEFG",
    teamId: "DEF123GHIJ",
    environment: "PRODUCTION",
    privateKeyBase64: b64(pkcs8Pem("p256")),
    ...overrides,
  };
}

export function serviceAccount(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "service_account",
    project_id: "fcm-project-id",
    private_key_id: "0123456789abcdef",
    private_key: pkcs8Pem("rsa"),
    client_email: "firebase-adminsdk@fcm-project-id.iam.gserviceaccount.com",
    client_id: "1234567890",
    token_uri: "https://oauth2.googleapis.com/token",
    ...overrides,
  };
}

export function fcmBody(account: Record<string, unknown> = serviceAccount(), overrides: Record<string, unknown> = {}) {
  return { projectId: account.project_id, privateKeyBase64: b64(JSON.stringify(account)), ...overrides };
}

export function hmsBody(overrides: Record<string, unknown> = {}) {
  return { projectId: "hms-project-id", appId: "my-app-id", clientId: "my-client-id", clientSecret: "my-client-secret", ...overrides };
}

export { b64 as base64OfText };
