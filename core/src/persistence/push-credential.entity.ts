import { defineEntity, p } from "@mikro-orm/core";
import { Application } from "./application.entity.ts";

/**
 * The credentials of one push service (APNs, FCM or HMS) of an application (`pa_push_credential`, migration
 * 0007). The public settings are JSON the domain validated before storing; the secret is sealed by the domain.
 */
export const PushCredentialSchema = defineEntity({
  name: "PushCredential",
  tableName: "pa_push_credential",
  uniques: [{ name: "pa_push_credential_app_platform", properties: ["applicationId", "platform"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_push_credential_application_id_fkey")
        .deleteRule("cascade"),
    /** `APNS`, `FCM` or `HMS`. */
    platform: p.string().length(8),
    /** The part the API shows: topic, key and team IDs, environment, project IDs, HMS app and client IDs. */
    settings: p.json<Record<string, string>>(),
    /** The private key file or client secret, AES_HMAC-encrypted when the master DB key is configured. */
    secret: p.text().hidden().lazy(),
    encryptionMode: p.string().length(32).fieldName("encryption_mode").default("NO_ENCRYPTION"),
    /** Id of the master DB key that sealed the secret (migration 0009); null in the clear or before ids. */
    secretEncryptionKeyId: p.string().length(32).fieldName("secret_encryption_key_id").nullable(),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()").onCreate(() => new Date()),
    timestampLastUpdated: p.datetime().fieldName("timestamp_last_updated").nullable(),
  },
});
export class PushCredential extends PushCredentialSchema.class {}
PushCredentialSchema.setClass(PushCredential);
