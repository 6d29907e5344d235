import { defineEntity, p } from "@mikro-orm/core";

/**
 * What operations of one kind look like (`pa_operation_template`): written rarely by an operator, read when an
 * operation is created, so it goes through the ORM (operation-template.repository.ts).
 */
export const OperationTemplateSchema = defineEntity({
  name: "OperationTemplate",
  tableName: "pa_operation_template",
  properties: {
    templateName: p.string().length(255).primary().fieldName("template_name"),
    operationType: p.string().length(255).fieldName("operation_type"),
    /** The operation data with `${name}` placeholders. */
    dataTemplate: p.text().fieldName("data_template"),
    /** Names of the signature types an approval may use (`POSSESSION_KNOWLEDGE`, …). */
    signatureTypes: p.json<string[]>().fieldName("signature_types"),
    maxFailureCount: p.integer().fieldName("max_failure_count"),
    /** Seconds from creation until an operation expires. */
    expiration: p.bigint("number"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampLastUpdated: p.datetime().fieldName("timestamp_last_updated").nullable(),
  },
});
export class OperationTemplate extends OperationTemplateSchema.class {}
OperationTemplateSchema.setClass(OperationTemplate);

/**
 * One operation (`pa_operation`). Operations are a hot aggregate (created and approved per payment, failed and
 * expired under row locks), so they are read and written only by the hand-written statements of
 * `operation.sql.ts` through `operation.repository.ts`; this entity only describes the table for the schema check.
 */
export const OperationSchema = defineEntity({
  name: "Operation",
  tableName: "pa_operation",
  indexes: [
    { name: "pa_operation_expiry", properties: ["status", "timestampExpires"] },
    { name: "pa_operation_user", properties: ["userId", "timestampCreated"] },
  ],
  properties: {
    id: p.string().length(37).primary(),
    userId: p.string().length(255).fieldName("user_id").nullable(),
    /** Cloud application ids (names). */
    applications: p.json<string[]>(),
    externalId: p.string().length(255).fieldName("external_id").nullable(),
    activationFlag: p.string().length(255).fieldName("activation_flag").nullable(),
    activationId: p.string().length(37).fieldName("activation_id").nullable(),
    operationType: p.string().length(255).fieldName("operation_type"),
    templateName: p.string().length(255).fieldName("template_name"),
    data: p.text(),
    parameters: p.json<Record<string, string>>().defaultRaw("'{}'::jsonb"),
    additionalData: p.json<Record<string, string>>().fieldName("additional_data").defaultRaw("'{}'::jsonb"),
    /** `PENDING`, `CANCELED`, `EXPIRED`, `APPROVED`, `REJECTED` or `FAILED`. */
    status: p.string().length(32),
    statusReason: p.string().length(255).fieldName("status_reason").nullable(),
    signatureType: p.json<string[]>().fieldName("signature_type"),
    failureCount: p.integer().fieldName("failure_count").default(0),
    maxFailureCount: p.integer().fieldName("max_failure_count"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    timestampExpires: p.datetime().fieldName("timestamp_expires"),
    timestampFinalized: p.datetime().fieldName("timestamp_finalized").nullable(),
  },
});
export class Operation extends OperationSchema.class {}
OperationSchema.setClass(Operation);
