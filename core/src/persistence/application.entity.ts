import { defineEntity, p } from "@mikro-orm/core";

/** A mobile application registered in PowerAuth (`pa_application`). */
export const ApplicationSchema = defineEntity({
  name: "Application",
  tableName: "pa_application",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    name: p.string().length(255).unique("pa_application_name"),
    /** JSON array of role names, kept sorted. */
    roles: p.json<string[]>().fieldName("roles"),
    timestampCreated: p.datetime().fieldName("timestamp_created").onCreate(() => new Date()),
  },
});
export class Application extends ApplicationSchema.class {}
ApplicationSchema.setClass(Application);

/** One version of an application: the appKey/appSecret pair a build of the mobile app carries. */
export const ApplicationVersionSchema = defineEntity({
  name: "ApplicationVersion",
  tableName: "pa_application_version",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: p.bigint("number").fieldName("application_id"),
    name: p.string().length(255),
    applicationKey: p.string().length(255).fieldName("application_key").unique("pa_app_version_app_key"),
    /** Not a secret in the strict sense: every installed copy of the mobile app carries it. */
    applicationSecret: p.string().length(255).fieldName("application_secret"),
    supported: p.boolean(),
  },
});
export class ApplicationVersion extends ApplicationVersionSchema.class {}
ApplicationVersionSchema.setClass(ApplicationVersion);

/** The application's master key pair; the newest row is the active one. */
export const MasterKeypairSchema = defineEntity({
  name: "MasterKeypair",
  tableName: "pa_master_keypair",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: p.bigint("number").fieldName("application_id"),
    name: p.string().length(255),
    masterKeyPrivateBase64: p.string().length(255).fieldName("master_key_private_base64").hidden().lazy(),
    masterKeyPublicBase64: p.string().length(255).fieldName("master_key_public_base64"),
    timestampCreated: p.datetime().fieldName("timestamp_created").onCreate(() => new Date()),
  },
});
export class MasterKeypair extends MasterKeypairSchema.class {}
MasterKeypairSchema.setClass(MasterKeypair);

/** One key of the application configuration (`pa_application_config`); values are a JSON array. */
export const ApplicationConfigSchema = defineEntity({
  name: "ApplicationConfig",
  tableName: "pa_application_config",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    applicationId: p.bigint("number").fieldName("application_id"),
    configKey: p.string().length(255).fieldName("config_key"),
    /** JSON text of the values, encrypted when the master DB key is configured. */
    configValues: p.text().fieldName("config_values").hidden(),
    encryptionMode: p.string().length(32).fieldName("encryption_mode"),
  },
});
export class ApplicationConfig extends ApplicationConfigSchema.class {}
ApplicationConfigSchema.setClass(ApplicationConfig);
