import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { callSoap } from "./support/soap-client.ts";
import { startStack } from "./support/stack.ts";

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe("process lifecycle", () => {
  it("stops all three processes cleanly on SIGTERM", async () => {
    const stack = await startStack();
    const exits = await Promise.all([stack.soap.stop(), stack.rest.stop(), stack.core.stop()]);
    expect(exits).toEqual([0, 0, 0]);
    expect(stack.core.output()).toContain('"message":"core stopped"');
    await stack.stop();
  });

  // The embedded database is what `npm start` uses, so this runs on PGlite in both CI passes.
  it("keeps data in the embedded database directory across restarts (migrations run once)", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "pa-pglite-"));
    directories.push(directory);
    const first = await startStack({ PGLITE_DIR: directory }, { embeddedDatabase: true });
    await callSoap(first.soapUrl, "v3", "CreateApplication", { applicationName: "survives-restart" });
    await first.stop();

    const second = await startStack({ PGLITE_DIR: directory }, { embeddedDatabase: true });
    try {
      const list = await callSoap(second.soapUrl, "v3", "GetApplicationList");
      expect((list.payload.applications as { applicationName: string }[]).map((app) => app.applicationName)).toEqual([
        "survives-restart",
      ]);
    } finally {
      await second.stop();
    }
  });
});
