import { defineEntity, p } from "@mikro-orm/core";
import { Activation } from "./activation.entity.ts";
import { Application } from "./application.entity.ts";

// The recovery aggregate (a code with its PUKs) and the per-application recovery configuration, exactly as
// migration 0005 creates them (schema.test.ts). Statuses are the reference's integers (see
// domain/recovery/recovery-status.ts). Bigint defaults are raw for the reason given in activation.entity.ts.

/** A recovery code (`pa_recovery_code`): issued with an activation, or printed on a postcard (no activation). */
export const RecoveryCodeSchema = defineEntity({
  name: "RecoveryCode",
  tableName: "pa_recovery_code",
  indexes: [
    { name: "pa_recovery_code_user", properties: ["userId"] },
    { name: "pa_recovery_code_activation", properties: ["activationId"] },
  ],
  uniques: [{ name: "pa_recovery_code_code", properties: ["applicationId", "recoveryCode"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    /** The code in activation-code format; kept readable because the device sends it back to be found. */
    recoveryCode: p.string().length(23).fieldName("recovery_code"),
    applicationId: () =>
      p.manyToOne(Application).mapToPk().fieldName("application_id").foreignKeyName("pa_recovery_code_application_id_fkey"),
    userId: p.string().length(255).fieldName("user_id"),
    activationId: () =>
      p.manyToOne(Activation).mapToPk().fieldName("activation_id").foreignKeyName("pa_recovery_code_activation_id_fkey").nullable().deleteRule("no action"),
    status: p.integer(),
    failedAttempts: p.bigint("number").fieldName("failed_attempts").defaultRaw("0"),
    maxFailedAttempts: p.bigint("number").fieldName("max_failed_attempts"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampLastUsed: p.datetime().fieldName("timestamp_last_used").nullable(),
    timestampLastChange: p.datetime().fieldName("timestamp_last_change").nullable(),
  },
});
export class RecoveryCode extends RecoveryCodeSchema.class {}
RecoveryCodeSchema.setClass(RecoveryCode);

/** One PUK of a recovery code (`pa_recovery_puk`): only its Argon2 hash is stored, encrypted with the master DB key when configured. */
export const RecoveryPukSchema = defineEntity({
  name: "RecoveryPuk",
  tableName: "pa_recovery_puk",
  uniques: [{ name: "pa_recovery_puk_code_index", properties: ["recoveryCodeId", "pukIndex"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    recoveryCodeId: () =>
      p.manyToOne(RecoveryCode).mapToPk().fieldName("recovery_code_id").foreignKeyName("pa_recovery_puk_recovery_code_id_fkey"),
    puk: p.string().length(255).hidden(),
    pukEncryption: p.integer().fieldName("puk_encryption").default(0),
    /** Id of the master DB key that sealed the hash (migration 0009); null in the clear or before ids. */
    pukEncryptionKeyId: p.string().length(32).fieldName("puk_encryption_key_id").nullable(),
    pukIndex: p.bigint("number").fieldName("puk_index"),
    status: p.integer(),
    timestampLastChange: p.datetime().fieldName("timestamp_last_change").nullable(),
  },
});
export class RecoveryPuk extends RecoveryPukSchema.class {}
RecoveryPukSchema.setClass(RecoveryPuk);

/** An application's recovery configuration (`pa_recovery_config`), one row per application, all off by default. */
export const RecoveryConfigSchema = defineEntity({
  name: "RecoveryConfig",
  tableName: "pa_recovery_config",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_recovery_config_application_id_fkey")
        .unique("pa_recovery_config_app"),
    activationRecoveryEnabled: p.boolean().fieldName("activation_recovery_enabled").default(false),
    recoveryPostcardEnabled: p.boolean().fieldName("recovery_postcard_enabled").default(false),
    allowMultipleRecoveryCodes: p.boolean().fieldName("allow_multiple_recovery_codes").default(false),
    /** The server's postcard private key, encrypted with the master DB key when configured. */
    postcardPrivateKeyBase64: p.string().length(255).fieldName("postcard_private_key_base64").nullable().hidden().lazy(),
    postcardPrivateKeyEncryption: p.integer().fieldName("postcard_private_key_encryption").default(0),
    /** Id of the master DB key that sealed the postcard key (migration 0009); null in the clear or before ids. */
    postcardPrivateKeyEncryptionKeyId: p.string().length(32).fieldName("postcard_private_key_encryption_key_id").nullable(),
    postcardPublicKeyBase64: p.string().length(255).fieldName("postcard_public_key_base64").nullable(),
    /** The printing centre's public key. */
    remotePublicKeyBase64: p.string().length(255).fieldName("remote_public_key_base64").nullable(),
  },
});
export class RecoveryConfig extends RecoveryConfigSchema.class {}
RecoveryConfigSchema.setClass(RecoveryConfig);
