import { defineEntity, p } from "@mikro-orm/core";

/**
 * A value that may be accepted only once (`pa_unique_value`, the reference's replay protection since 1.5): the
 * SHA-256 of a token digest or of an ECIES request's ephemeral key and nonce, kept until it could no longer be
 * accepted anyway. The primary key is what decides, so several cores sharing the database agree.
 */
export const UniqueValueSchema = defineEntity({
  name: "UniqueValue",
  tableName: "pa_unique_value",
  indexes: [{ name: "pa_unique_value_expiration", properties: ["timestampExpires"] }],
  properties: {
    /** Base64 of SHA-256 over the type and the value; never the value itself. */
    uniqueValue: p.string().length(255).primary().fieldName("unique_value"),
    /** What was seen: TOKEN, ECIES_APPLICATION_SCOPE or ECIES_ACTIVATION_SCOPE. */
    type: p.string().length(32).fieldName("type"),
    timestampExpires: p.datetime().fieldName("timestamp_expires"),
  },
});
export class UniqueValue extends UniqueValueSchema.class {}
UniqueValueSchema.setClass(UniqueValue);
