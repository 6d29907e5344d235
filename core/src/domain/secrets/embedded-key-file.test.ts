import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedKeyFilePath, withEmbeddedDatabaseKey } from "./embedded-key-file.ts";
import type { EmbeddedKeySettings } from "./embedded-key-file.ts";

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function scratchDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "pa-key-file-"));
  directories.push(directory);
  return directory;
}

const BASE: EmbeddedKeySettings = { allowPlaintextSecrets: false };

describe("withEmbeddedDatabaseKey", () => {
  it("creates a 16-byte key beside the PGlite directory with mode 0600 on the first start and reads it on later ones", async () => {
    const pgliteDir = path.join(await scratchDirectory(), "pglite");
    const first = await withEmbeddedDatabaseKey({ ...BASE, pgliteDir });
    expect(first.source).toBe("generated");
    expect(first.keyFile).toBe(path.join(path.dirname(pgliteDir), "pglite.master-db-key"));
    expect(first.keyFile).toBe(embeddedKeyFilePath(pgliteDir));
    expect((await stat(first.keyFile!)).mode & 0o777).toBe(0o600);
    expect(first.settings.masterDbEncryptionKey).toHaveLength(16);
    expect((await readFile(first.keyFile!, "utf8")).trim()).toBe(first.settings.masterDbEncryptionKey!.toString("base64"));

    const second = await withEmbeddedDatabaseKey({ ...BASE, pgliteDir });
    expect(second.source).toBe("key file");
    expect(second.settings.masterDbEncryptionKey).toEqual(first.settings.masterDbEncryptionKey);
  });

  it("refuses a key file others may read, or one that is not a key, instead of replacing it", async () => {
    const pgliteDir = path.join(await scratchDirectory(), "pglite");
    const { keyFile } = await withEmbeddedDatabaseKey({ ...BASE, pgliteDir });
    await chmod(keyFile!, 0o644);
    await expect(withEmbeddedDatabaseKey({ ...BASE, pgliteDir })).rejects.toThrow("may be read by other users (mode 644)");
    await writeFile(keyFile!, "not a key\n", { mode: 0o600 });
    await chmod(keyFile!, 0o600);
    await expect(withEmbeddedDatabaseKey({ ...BASE, pgliteDir })).rejects.toThrow("does not hold the Base64 of a 16-byte key");
  });

  it("keeps a configured key, gives an in-memory database a key of its own, and adds none for PostgreSQL or when plaintext is allowed", async () => {
    const configured = Buffer.alloc(16, 4);
    const pgliteDir = path.join(await scratchDirectory(), "pglite");
    expect(await withEmbeddedDatabaseKey({ ...BASE, pgliteDir, masterDbEncryptionKey: configured })).toEqual({
      settings: { ...BASE, pgliteDir, masterDbEncryptionKey: configured },
      source: "configured",
    });
    await expect(stat(embeddedKeyFilePath(pgliteDir))).rejects.toThrow();
    const inMemory = await withEmbeddedDatabaseKey({ ...BASE });
    expect([inMemory.source, inMemory.settings.masterDbEncryptionKey?.length]).toEqual(["in memory", 16]);
    expect((await withEmbeddedDatabaseKey({ ...BASE, databaseUrl: "postgres://db/pa", allowPlaintextSecrets: true })).source).toBe("none");
    expect((await withEmbeddedDatabaseKey({ ...BASE, allowPlaintextSecrets: true, pgliteDir })).settings.masterDbEncryptionKey).toBeUndefined();
  });
});
