import { defineEntity, p } from "@mikro-orm/core";
import { Application } from "./application.entity.ts";

/** A URL notified about status changes of an application's activations or operations (`pa_application_callback`). */
export const ApplicationCallbackSchema = defineEntity({
  name: "ApplicationCallback",
  tableName: "pa_application_callback",
  indexes: [{ name: "pa_app_callback_app", properties: ["applicationId"] }],
  properties: {
    id: p.string().length(37).primary(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_application_callback_application_id_fkey"),
    name: p.string().length(255).nullable(),
    callbackUrl: p.text().fieldName("callback_url"),
    /** `ACTIVATION_STATUS_CHANGE` or `OPERATION_STATUS_CHANGE`. */
    type: p.string().length(64).default("ACTIVATION_STATUS_CHANGE"),
    /** Names of the activation attributes added to each payload (`userId`, `activationStatus`, …). */
    attributes: p.json<string[]>().defaultRaw("'[]'::jsonb"),
    /** JSON of the outbound authentication, encrypted when the master DB key is configured. */
    authentication: p.text().nullable().hidden().lazy(),
    encryptionMode: p.string().length(255).fieldName("encryption_mode").default("NO_ENCRYPTION"),
    /** Id of the master DB key that sealed the authentication (migration 0009); null in the clear or before ids. */
    authenticationEncryptionKeyId: p.string().length(32).fieldName("authentication_encryption_key_id").nullable(),
    maxAttempts: p.integer().fieldName("max_attempts").nullable(),
    initialBackoff: p.string().length(64).fieldName("initial_backoff").nullable(),
    retentionPeriod: p.string().length(64).fieldName("retention_period").nullable(),
    /** `CLOUD` (type, activationId and the attributes) or `SOAP_0_22` (activationId only): see migration 0003. */
    payloadFormat: p.string().length(32).fieldName("payload_format").default("CLOUD"),
    /** Removal keeps the row (events may still reference it) and clears this flag. */
    enabled: p.boolean().default(true),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampLastUpdated: p.datetime().fieldName("timestamp_last_updated").nullable(),
  },
});
export class ApplicationCallback extends ApplicationCallbackSchema.class {}
ApplicationCallbackSchema.setClass(ApplicationCallback);

/**
 * One notification waiting for (or done with) delivery (`pa_application_callback_event`): the outbox row is
 * written in the transaction that changed the activation, and a worker delivers it afterwards.
 */
export const ApplicationCallbackEventSchema = defineEntity({
  name: "ApplicationCallbackEvent",
  tableName: "pa_application_callback_event",
  indexes: [
    // The delivery worker claims PENDING rows due now.
    { name: "pa_app_callback_event_status", properties: ["status", "timestampNextCall"] },
    { name: "pa_app_callback_event_delete", properties: ["timestampDeleteAfter"] },
    { name: "pa_app_callback_event_callback", properties: ["applicationCallbackId"] },
    // Whether an earlier event of the same ordering key is still open for this callback (delivery order).
    { name: "pa_app_callback_event_order", properties: ["applicationCallbackId", "orderingKey", "id"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationCallbackId: () =>
      p
        .manyToOne(ApplicationCallback)
        .mapToPk()
        .fieldName("application_callback_id")
        .foreignKeyName("pa_application_callback_event_application_callback_id_fkey"),
    /** The JSON body to POST, exactly as it will be sent. */
    callbackData: p.text().fieldName("callback_data"),
    /** `PENDING`, `PROCESSING`, `COMPLETED` or `FAILED`. */
    status: p.string().length(32),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampLastCall: p.datetime().fieldName("timestamp_last_call").nullable(),
    timestampNextCall: p.datetime().fieldName("timestamp_next_call").nullable(),
    timestampDeleteAfter: p.datetime().fieldName("timestamp_delete_after").nullable(),
    timestampRerunAfter: p.datetime().fieldName("timestamp_rerun_after").nullable(),
    attempts: p.integer().default(0),
    /** Sent as the `Idempotency-Key` header, so a receiver can drop a retried duplicate. */
    idempotencyKey: p.string().length(36).fieldName("idempotency_key"),
    /** Events with the same key reach the callback in id order (the activation id for activation events). */
    orderingKey: p.string().length(64).fieldName("ordering_key").nullable(),
  },
});
export class ApplicationCallbackEvent extends ApplicationCallbackEventSchema.class {}
ApplicationCallbackEventSchema.setClass(ApplicationCallbackEvent);
