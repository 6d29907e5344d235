import { defineEntity, p } from "@mikro-orm/core";

/**
 * One activation of a mobile app (`pa_activation`): its keys, counters and state. The status is stored as the
 * reference's integer code (1 CREATED … 5 REMOVED), which is also the status byte of the status blob.
 */
export const ActivationSchema = defineEntity({
  name: "Activation",
  tableName: "pa_activation",
  properties: {
    activationId: p.string().length(37).primary().fieldName("activation_id"),
    applicationId: p.bigint("number").fieldName("application_id"),
    userId: p.string().length(255).fieldName("user_id"),
    activationName: p.string().length(255).fieldName("activation_name").nullable(),
    activationCode: p.string().length(255).fieldName("activation_code").nullable(),
    activationStatus: p.integer().fieldName("activation_status"),
    /** Argon2 hash of an activation OTP (reserved for the OTP flows of later protocol versions). */
    activationOtp: p.string().length(255).fieldName("activation_otp").nullable().hidden().lazy(),
    activationOtpValidation: p.integer().fieldName("activation_otp_validation"),
    blockedReason: p.string().length(255).fieldName("blocked_reason").nullable(),
    extras: p.text().nullable(),
    platform: p.string().length(255).nullable(),
    deviceInfo: p.string().length(255).fieldName("device_info").nullable(),
    flags: p.json<string[]>(),
    counter: p.bigint("number"),
    /** Base64 of the 16-byte hash-based counter (CTR_DATA) of a version 3 activation. */
    ctrData: p.string().length(255).fieldName("ctr_data").nullable(),
    devicePublicKeyBase64: p.text().fieldName("device_public_key_base64").nullable(),
    failedAttempts: p.bigint("number").fieldName("failed_attempts"),
    maxFailedAttempts: p.bigint("number").fieldName("max_failed_attempts"),
    /** Base64 of the server private key, or of its AES_HMAC encryption (see `serverPrivateKeyEncryption`). */
    serverPrivateKeyBase64: p.text().fieldName("server_private_key_base64").hidden().lazy(),
    serverPrivateKeyEncryption: p.integer().fieldName("server_private_key_encryption"),
    serverPublicKeyBase64: p.text().fieldName("server_public_key_base64"),
    masterKeypairId: p.bigint("number").fieldName("master_keypair_id").nullable(),
    timestampCreated: p.datetime().fieldName("timestamp_created"),
    timestampActivationExpire: p.datetime().fieldName("timestamp_activation_expire"),
    timestampLastUsed: p.datetime().fieldName("timestamp_last_used"),
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
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    activationId: p.string().length(37).fieldName("activation_id"),
    activationStatus: p.integer().fieldName("activation_status"),
    /** The blocked reason for BLOCKED, otherwise the reason the caller gave (if any). */
    eventReason: p.string().length(255).fieldName("event_reason").nullable(),
    externalUserId: p.string().length(255).fieldName("external_user_id").nullable(),
    timestampCreated: p.datetime().fieldName("timestamp_created"),
  },
});
export class ActivationHistory extends ActivationHistorySchema.class {}
ActivationHistorySchema.setClass(ActivationHistory);
