import { defineEntity, p } from "@mikro-orm/core";

/** A token for simple request authentication (`pa_token`), bound to one activation. */
export const TokenSchema = defineEntity({
  name: "Token",
  tableName: "pa_token",
  properties: {
    tokenId: p.string().length(37).primary().fieldName("token_id"),
    /** Base64 of the 16-byte token secret. */
    tokenSecret: p.string().length(255).fieldName("token_secret").hidden().lazy(),
    activationId: p.string().length(37).fieldName("activation_id"),
    /** The signature type the intermediate verified when the token was created. */
    signatureType: p.string().length(255).fieldName("signature_type"),
    timestampCreated: p.datetime().fieldName("timestamp_created"),
  },
});
export class Token extends TokenSchema.class {}
TokenSchema.setClass(Token);
