import { defineEntity, p } from "@mikro-orm/core";

// The indexes, foreign keys and column defaults below restate what migration 0001 created (names included), so
// that MikroORM's schema diff against a migrated database is empty (schema.test.ts). Foreign keys are to-one
// relations mapped to the primary key: the property holds the plain id, as the column does. Constraint names are
// PostgreSQL's defaults (`<table>_<column>_fkey`), which the migrations got by not naming them.

/** A mobile application registered in PowerAuth (`pa_application`). */
export const ApplicationSchema = defineEntity({
  name: "Application",
  tableName: "pa_application",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    name: p.string().length(255).unique("pa_application_name"),
    /** JSON array of role names, kept sorted. */
    roles: p.json<string[]>().fieldName("roles").defaultRaw("'[]'::jsonb"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()").onCreate(() => new Date()),
  },
});
export class Application extends ApplicationSchema.class {}
ApplicationSchema.setClass(Application);

/** One version of an application: the appKey/appSecret pair a build of the mobile app carries. */
export const ApplicationVersionSchema = defineEntity({
  name: "ApplicationVersion",
  tableName: "pa_application_version",
  indexes: [{ name: "pa_app_version_application", properties: ["applicationId"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_application_version_application_id_fkey")
        .deleteRule("cascade"),
    name: p.string().length(255),
    applicationKey: p.string().length(255).fieldName("application_key").unique("pa_app_version_app_key"),
    /** Not a secret in the strict sense: every installed copy of the mobile app carries it. */
    applicationSecret: p.string().length(255).fieldName("application_secret"),
    supported: p.boolean().default(true),
  },
});
export class ApplicationVersion extends ApplicationVersionSchema.class {}
ApplicationVersionSchema.setClass(ApplicationVersion);

/** The application's master key pair; the newest row is the active one. */
export const MasterKeypairSchema = defineEntity({
  name: "MasterKeypair",
  tableName: "pa_master_keypair",
  indexes: [
    // Serves `findLatestMasterKeypair` (newest first) without a sort. Written as an expression (compared by name
    // only) rather than `columns` with `sort: "desc"`: MikroORM 7.2.1 reads the sort order of an introspected column
    // by finding its name in the index definition without word boundaries, so `id` is found inside
    // `application_id` (no DESC there) and the index would be reported as changed on every diff.
    {
      name: "pa_master_keypair_application",
      expression:
        'create index "pa_master_keypair_application" on "pa_master_keypair" ("application_id", "timestamp_created" desc, "id" desc)',
    },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_master_keypair_application_id_fkey")
        .deleteRule("cascade"),
    name: p.string().length(255),
    /** Base64 of the private key, or of its AES_HMAC encryption (see `masterKeyPrivateEncryption`, migration 0009). */
    masterKeyPrivateBase64: p.string().length(255).fieldName("master_key_private_base64").hidden().lazy(),
    masterKeyPrivateEncryption: p.integer().fieldName("master_key_private_encryption").default(0),
    /** Id of the master DB key that sealed the private key; null in the clear. */
    masterKeyPrivateEncryptionKeyId: p.string().length(32).fieldName("master_key_private_encryption_key_id").nullable(),
    masterKeyPublicBase64: p.string().length(255).fieldName("master_key_public_base64"),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()").onCreate(() => new Date()),
  },
});
export class MasterKeypair extends MasterKeypairSchema.class {}
MasterKeypairSchema.setClass(MasterKeypair);

/** One key of the application configuration (`pa_application_config`); values are a JSON array. */
export const ApplicationConfigSchema = defineEntity({
  name: "ApplicationConfig",
  tableName: "pa_application_config",
  uniques: [{ name: "pa_app_config_key_idx", properties: ["applicationId", "configKey"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: () =>
      p
        .manyToOne(Application)
        .mapToPk()
        .fieldName("application_id")
        .foreignKeyName("pa_application_config_application_id_fkey")
        .deleteRule("cascade"),
    configKey: p.string().length(255).fieldName("config_key"),
    /** JSON text of the values, or its AES_HMAC encryption bound to the application's name (see `encryptionMode`). */
    configValues: p.text().fieldName("config_values").hidden(),
    encryptionMode: p.string().length(32).fieldName("encryption_mode").default("NO_ENCRYPTION"),
    /** Id of the master DB key that sealed the values (migration 0009); null in the clear. */
    configValuesEncryptionKeyId: p.string().length(32).fieldName("config_values_encryption_key_id").nullable(),
  },
});
export class ApplicationConfig extends ApplicationConfigSchema.class {}
ApplicationConfigSchema.setClass(ApplicationConfig);
