import { LockMode } from "@mikro-orm/core";
import type { Tx } from "./tx.ts";
import { Application, ApplicationConfig, ApplicationVersion, MasterKeypair } from "./application.entity.ts";

export function findApplicationById(tx: Tx, id: number, options: { forUpdate?: boolean } = {}) {
  return tx.findOne(Application, { id }, options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
}

export function findApplicationByName(tx: Tx, name: string, options: { forUpdate?: boolean } = {}) {
  return tx.findOne(Application, { name }, options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
}

export function listApplicationsInCreationOrder(tx: Tx) {
  return tx.find(Application, {}, { orderBy: { id: "asc" } });
}

export function listVersionsOfApplication(tx: Tx, applicationId: number) {
  return tx.find(ApplicationVersion, { applicationId }, { orderBy: { id: "asc" } });
}

export function findVersionById(tx: Tx, id: number) {
  return tx.findOne(ApplicationVersion, { id });
}

export function findVersionByApplicationKey(tx: Tx, applicationKey: string) {
  return tx.findOne(ApplicationVersion, { applicationKey });
}

/** The newest master key pair of the application: the reference always signs and derives with the latest. */
export function findLatestMasterKeypair(tx: Tx, applicationId: number, options: { withPrivateKey?: boolean } = {}) {
  return tx.findOne(
    MasterKeypair,
    { applicationId },
    {
      orderBy: { timestampCreated: "desc", id: "desc" },
      populate: options.withPrivateKey ? ["masterKeyPrivateBase64"] : [],
    },
  );
}

/** One master key pair by its id (a protocol 2.x activation keeps the pair it was created with). */
export function findMasterKeypairById(tx: Tx, id: number, options: { withPrivateKey?: boolean } = {}) {
  return tx.findOne(MasterKeypair, { id }, { populate: options.withPrivateKey ? ["masterKeyPrivateBase64"] : [] });
}

export function listConfigOfApplication(tx: Tx, applicationId: number) {
  return tx.find(ApplicationConfig, { applicationId }, { orderBy: { configKey: "asc" } });
}

export function findConfigByKey(tx: Tx, applicationId: number, configKey: string) {
  return tx.findOne(ApplicationConfig, { applicationId, configKey });
}
