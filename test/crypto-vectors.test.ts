import { afterAll, describe, expect, it } from "vitest";
import { loadVectorFile } from "./vectors/load.ts";
import type { Vector } from "./vectors/load.ts";
import { sharedChecks } from "./vectors/checks.ts";

// Every file copied from shared/reference/test-vectors with the number of
// vectors it holds. Each test runs all of them and asserts the count ran.
const FILES: Record<string, { count: number; check: (v: Vector) => void }> = {
  "activation-status-blob-data.json": { count: 8, check: sharedChecks.statusBlobData },
  "activation-status-blob-iv.json": { count: 32, check: sharedChecks.statusBlobIv },
  "compute-derived-keys.json": { count: 20, check: sharedChecks.derivedKeys },
  "compute-master-secret-key.json": { count: 20, check: sharedChecks.masterSecret },
  "decrypt-server-public-key-v2.json": { count: 20, check: sharedChecks.decryptServerPublicKeyV2 },
  "encrypt-device-public-key-v2.json": { count: 20, check: sharedChecks.encryptDevicePublicKeyV2 },
  "public-key-fingerprint-v2.json": { count: 100, check: sharedChecks.fingerprintV2 },
  "public-key-fingerprint-v3.json": { count: 100, check: sharedChecks.fingerprintV3 },
  "signatures-offline.json": { count: 200, check: sharedChecks.signaturesOffline },
  "signatures-v2.json": { count: 300, check: sharedChecks.signaturesV2 },
  "signatures-v3.json": { count: 300, check: sharedChecks.signaturesV3 },
  "signatures-v31.json": { count: 300, check: sharedChecks.signaturesV31 },
  "verify-activation-data-signature-v2.json": { count: 20, check: sharedChecks.activationSignatureV2 },
  "verify-activation-data-signature-v3.json": { count: 20, check: sharedChecks.activationSignatureV3 },
  // The copy in shared/ is the mobile-SDK one (DER signatures); the crypto-repo
  // file of the same name has 65-byte non-DER blobs. See test/vectors/README.md.
  "verify-encrypted-server-public-key-signature-v2.json": { count: 20, check: sharedChecks.serverPublicKeySignatureV2 },
};

const ran: Record<string, number> = {};

describe("reference test vectors (test/vectors/*.json)", () => {
  afterAll(() => {
    const total = Object.values(ran).reduce((a, b) => a + b, 0);
    console.log(`reference vectors run: ${JSON.stringify(ran)} total=${total}`);
  });

  for (const [name, { count, check }] of Object.entries(FILES)) {
    it(`${name}: all ${count} vectors`, () => {
      const vectors = loadVectorFile(name);
      expect(vectors.length).toBe(count);
      let done = 0;
      for (const v of vectors) {
        check(v);
        done++;
      }
      ran[name] = done;
      expect(done).toBe(vectors.length);
    });
  }

  it("covers every JSON file in test/vectors", async () => {
    const { readdirSync } = await import("node:fs");
    const files = readdirSync(new URL("./vectors/", import.meta.url)).filter(
      (f) => f.endsWith(".json") && f !== "more-test-vectors.json" && f !== "argon2i-password-hashes.json",
    );
    expect(files.sort()).toEqual(Object.keys(FILES).sort());
  });
});
