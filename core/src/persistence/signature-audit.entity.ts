import { defineEntity, p } from "@mikro-orm/core";
import { Activation } from "./activation.entity.ts";

/**
 * One signature verification attempt (`pa_signature_audit`), valid or not. Written by hand-written SQL; this entity
 * describes the schema migration 0002 creates (see schema.test.ts).
 */
export const SignatureAuditSchema = defineEntity({
  name: "SignatureAudit",
  tableName: "pa_signature_audit",
  indexes: [
    { name: "pa_signature_audit_activation", properties: ["activationId", "timestampCreated"] },
    { name: "pa_signature_audit_created", properties: ["timestampCreated"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    activationId: () =>
      p.manyToOne(Activation).mapToPk().fieldName("activation_id").foreignKeyName("pa_signature_audit_activation_id_fkey"),
    /** Counter and CTR_DATA after the attempt was processed. */
    activationCounter: p.bigint("number").fieldName("activation_counter"),
    activationCtrData: p.string().length(255).fieldName("activation_ctr_data").nullable(),
    activationStatus: p.integer().fieldName("activation_status"),
    /** JSON of the reference's KeyValueMap: `{"entry":[{"key":…,"value":…}]}`. */
    additionalInfo: p.text().fieldName("additional_info").nullable(),
    /** Base64 of the bytes the signature was checked against (including the `&secret` suffix). */
    dataBase64: p.text().fieldName("data_base64").nullable(),
    signatureType: p.string().length(255).fieldName("signature_type"),
    signature: p.string().length(255),
    valid: p.boolean().default(false),
    note: p.text(),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
    version: p.integer().nullable(),
    signatureVersion: p.string().length(255).fieldName("signature_version").nullable(),
  },
});
export class SignatureAudit extends SignatureAuditSchema.class {}
SignatureAuditSchema.setClass(SignatureAudit);
