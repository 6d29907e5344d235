import { randomUUID } from "node:crypto";
import { clientSecretMatches, hashClientSecret } from "../../crypto/secret-hash.ts";
import type { Db } from "../../persistence/db.ts";
import { Integration } from "../../persistence/integration.entity.ts";
import { findIntegrationByClientToken, findIntegrationById, listIntegrations } from "../../persistence/integration.repository.ts";
import { AuthenticationError } from "../errors.ts";

export interface CreatedIntegration {
  id: string;
  name?: string;
  clientToken: string;
  /** Returned only here, once: the database keeps a hash. */
  clientSecret: string;
}

export interface IntegrationView {
  id: string;
  name?: string;
  clientToken: string;
}

/** Creates integration credentials: id, client token and client secret are random UUIDv4 values. */
export async function createIntegration(db: Db, input: { name?: string }): Promise<CreatedIntegration> {
  const clientSecret = randomUUID();
  return db.transaction(async (tx) => {
    const integration = tx.create(Integration, {
      id: randomUUID(),
      name: input.name ?? null,
      clientToken: randomUUID(),
      clientSecretHash: hashClientSecret(clientSecret),
    });
    await tx.flush();
    return { id: integration.id, name: integration.name ?? undefined, clientToken: integration.clientToken, clientSecret };
  });
}

export async function getIntegrationList(db: Db): Promise<IntegrationView[]> {
  return db.read(async (tx) =>
    (await listIntegrations(tx)).map((row) => ({ id: row.id, name: row.name ?? undefined, clientToken: row.clientToken })),
  );
}

export async function removeIntegration(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const integration = await findIntegrationById(tx, id);
    if (!integration) return false;
    tx.remove(integration);
    await tx.flush();
    return true;
  });
}

/**
 * Checks integration credentials. The secret is compared as a SHA-256 digest in constant time; the same
 * error is raised for an unknown token and a wrong secret, so a caller learns nothing about which failed.
 */
export async function authenticateIntegration(db: Db, clientToken: string, clientSecret: string): Promise<void> {
  const integration = await db.read((tx) => findIntegrationByClientToken(tx, clientToken));
  if (!clientSecretMatches(clientSecret, integration?.clientSecretHash)) {
    throw new AuthenticationError("Invalid integration credentials");
  }
}
