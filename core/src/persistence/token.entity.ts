import { defineEntity, p } from "@mikro-orm/core";
import { Activation } from "./activation.entity.ts";

/** A token for simple request authentication (`pa_token`), bound to one activation. */
export const TokenSchema = defineEntity({
  name: "Token",
  tableName: "pa_token",
  indexes: [{ name: "pa_token_activation", properties: ["activationId"] }],
  properties: {
    tokenId: p.string().length(37).primary().fieldName("token_id"),
    /** Base64 of the 16-byte token secret, or of its AES_HMAC encryption (see `tokenSecretEncryption`, migration 0009). */
    tokenSecret: p.string().length(255).fieldName("token_secret").hidden().lazy(),
    tokenSecretEncryption: p.integer().fieldName("token_secret_encryption").default(0),
    /** Id of the master DB key that sealed the secret; null in the clear. */
    tokenSecretEncryptionKeyId: p.string().length(32).fieldName("token_secret_encryption_key_id").nullable(),
    /** The activation's id; the foreign key to `pa_activation` (the ORM never loads the activation itself). */
    activationId: () =>
      p.manyToOne(Activation).mapToPk().fieldName("activation_id").foreignKeyName("pa_token_activation_id_fkey"),
    /** The signature type the intermediate verified when the token was created. */
    signatureType: p.string().length(255).fieldName("signature_type"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()"),
  },
});
export class Token extends TokenSchema.class {}
TokenSchema.setClass(Token);
