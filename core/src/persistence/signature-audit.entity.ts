import { defineEntity, p } from "@mikro-orm/core";

/** One signature verification attempt (`pa_signature_audit`), valid or not. */
export const SignatureAuditSchema = defineEntity({
  name: "SignatureAudit",
  tableName: "pa_signature_audit",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    activationId: p.string().length(37).fieldName("activation_id"),
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
    valid: p.boolean(),
    note: p.text(),
    timestampCreated: p.datetime().fieldName("timestamp_created"),
    version: p.integer().nullable(),
    signatureVersion: p.string().length(255).fieldName("signature_version").nullable(),
  },
});
export class SignatureAudit extends SignatureAuditSchema.class {}
SignatureAuditSchema.setClass(SignatureAudit);
