import { defineEntity, p } from "@mikro-orm/core";
import { Application, MasterKeypair } from "./application.entity.ts";

/**
 * One activation of a mobile app (`pa_activation`): its keys, counters and state. The status is stored as the
 * reference's integer code (1 CREATED … 5 REMOVED), which is also the status byte of the status blob.
 *
 * The activation aggregate (this entity and `ActivationHistory`) is read and written by the hand-written SQL of
 * `activation.sql.ts`, not through the ORM: these entities describe the schema migrations 0002 and 0007 create (columns,
 * defaults, indexes and foreign keys, with their names) so that the schema diff stays empty (schema.test.ts).
 */
export const ActivationSchema = defineEntity({
  name: "Activation",
  tableName: "pa_activation",
  indexes: [
    // Equality lookups and the prefix (LIKE 'XXXXX-XXXXX%') uniqueness check of new codes need the operator class,
    // which only a raw expression can state. MikroORM compares an expression index by its name only, so a change
    // to this one's columns needs a new name (and a migration) to show in the diff.
    {
      name: "pa_activation_code",
      expression:
        'create index "pa_activation_code" on "pa_activation" ("application_id", "activation_code" varchar_pattern_ops)',
    },
    { name: "pa_activation_user_id", properties: ["userId"] },
    { name: "pa_activation_keypair", properties: ["masterKeypairId"] },
    // Telemetry's distinct users of an application active in a window (migration 0007).
    { name: "pa_activation_last_used", properties: ["applicationId", "timestampLastUsed", "userId"] },
    // The expiry job's batches and the expiry-lag gauge: activations still pending (CREATED, OTP_USED) in order of
    // expiry (migration 0010; the (status, expiry) index of 0002 is dropped by 0011).
    {
      name: "pa_activation_pending_expiry",
      expression:
        'create index "pa_activation_pending_expiry" on "pa_activation" ("timestamp_activation_expire") where "activation_status" in (1, 2)',
    },
  ],
  // Bigint defaults are raw: `.default(0)` on a bigint column is rendered quoted (`'0'`), which PostgreSQL reports
  // back as `0` and the diff would call a change.
  properties: {
    activationId: p.string().length(37).primary().fieldName("activation_id"),
    applicationId: () =>
      p.manyToOne(Application).mapToPk().fieldName("application_id").foreignKeyName("pa_activation_application_id_fkey"),
    userId: p.string().length(255).fieldName("user_id"),
    activationName: p.string().length(255).fieldName("activation_name").nullable(),
    activationCode: p.string().length(255).fieldName("activation_code").nullable(),
    activationStatus: p.integer().fieldName("activation_status"),
    /** Argon2 hash of an activation OTP (reserved for the OTP flows of later protocol versions). */
    activationOtp: p.string().length(255).fieldName("activation_otp").nullable().hidden().lazy(),
    activationOtpValidation: p.integer().fieldName("activation_otp_validation").default(0),
    blockedReason: p.string().length(255).fieldName("blocked_reason").nullable(),
    extras: p.text().nullable(),
    platform: p.string().length(255).nullable(),
    deviceInfo: p.string().length(255).fieldName("device_info").nullable(),
    flags: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    counter: p.bigint("number").defaultRaw("0"),
    /** Base64 of the 16-byte hash-based counter (CTR_DATA) of a version 3 activation. */
    ctrData: p.string().length(255).fieldName("ctr_data").nullable(),
    devicePublicKeyBase64: p.text().fieldName("device_public_key_base64").nullable(),
    failedAttempts: p.bigint("number").fieldName("failed_attempts").defaultRaw("0"),
    maxFailedAttempts: p.bigint("number").fieldName("max_failed_attempts").defaultRaw("5"),
    /** Base64 of the server private key, or of its AES_HMAC encryption (see `serverPrivateKeyEncryption`). */
    serverPrivateKeyBase64: p.text().fieldName("server_private_key_base64").hidden().lazy(),
    serverPrivateKeyEncryption: p.integer().fieldName("server_private_key_encryption").default(0),
    /** Id of the master DB key that sealed the private key (migration 0009); null in the clear or before ids. */
    serverPrivateKeyEncryptionKeyId: p.string().length(32).fieldName("server_private_key_encryption_key_id").nullable(),
    serverPublicKeyBase64: p.text().fieldName("server_public_key_base64"),
    masterKeypairId: () =>
      p
        .manyToOne(MasterKeypair)
        .mapToPk()
        .fieldName("master_keypair_id")
        .foreignKeyName("pa_activation_master_keypair_id_fkey")
        // The migration's plain `references` is NO ACTION; MikroORM's default for a nullable relation is SET NULL.
        .deleteRule("no action")
        .nullable(),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampActivationExpire: p.datetime().fieldName("timestamp_activation_expire"),
    timestampLastUsed: p.datetime().fieldName("timestamp_last_used").defaultRaw("now()"),
    timestampLastChange: p.datetime().fieldName("timestamp_last_change").nullable(),
    /** Protocol version of the activation: 2 or 3; null until the key exchange tells. */
    version: p.integer().nullable(),
  },
});
export class Activation extends ActivationSchema.class {}
ActivationSchema.setClass(Activation);

/** One status change of an activation (`pa_activation_history`). */
export const ActivationHistorySchema = defineEntity({
  name: "ActivationHistory",
  tableName: "pa_activation_history",
  indexes: [
    { name: "pa_activation_history_act", properties: ["activationId", "timestampCreated"] },
    { name: "pa_activation_history_created", properties: ["timestampCreated"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    activationId: () =>
      p
        .manyToOne(Activation)
        .mapToPk()
        .fieldName("activation_id")
        .foreignKeyName("pa_activation_history_activation_id_fkey"),
    activationStatus: p.integer().fieldName("activation_status"),
    /** The blocked reason for BLOCKED, otherwise the reason the caller gave (if any). */
    eventReason: p.string().length(255).fieldName("event_reason").nullable(),
    externalUserId: p.string().length(255).fieldName("external_user_id").nullable(),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
  },
});
export class ActivationHistory extends ActivationHistorySchema.class {}
ActivationHistorySchema.setClass(ActivationHistory);
