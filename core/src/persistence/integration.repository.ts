import type { Tx } from "./tx.ts";
import { Integration } from "./integration.entity.ts";

export function listIntegrations(tx: Tx) {
  return tx.find(Integration, {}, { orderBy: { timestampCreated: "asc", id: "asc" } });
}

export function findIntegrationById(tx: Tx, id: string) {
  return tx.findOne(Integration, { id });
}

export function findIntegrationByClientToken(tx: Tx, clientToken: string) {
  return tx.findOne(Integration, { clientToken }, { populate: ["clientSecretHash"] });
}
