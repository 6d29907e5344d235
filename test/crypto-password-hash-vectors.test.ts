import { describe, expect, it } from "vitest";
import { verifyPasswordHash } from "../core/src/crypto/index.ts";
import { loadVectorFile } from "./vectors/load.ts";

// test/vectors/argon2i-password-hashes.json: 9 reference Argon2i MCF hashes.
// They were generated from "password\n" (see the file's description), so the
// message with the newline must verify and the bare password must not.
const EXPECTED = 9;

describe("argon2i-password-hashes.json", () => {
  it(`verifies all ${EXPECTED} reference hashes`, async () => {
    const vectors = loadVectorFile("argon2i-password-hashes.json");
    expect(vectors.length).toBe(EXPECTED);
    let ran = 0;
    for (const v of vectors) {
      expect(v.input.hashedMessage).toBe(`${v.input.password}\n`);
      expect(await verifyPasswordHash(v.input.hashedMessage, v.output.hash)).toBe(true);
      expect(await verifyPasswordHash(v.input.password, v.output.hash)).toBe(false);
      ran++;
    }
    console.log(`argon2i-password-hashes run: ${ran}`);
    expect(ran).toBe(vectors.length);
  });
});
