import { defineEntity, p } from "@mikro-orm/core";

/** Credentials of a system allowed to call the core when access is restricted (`pa_integration`). */
export const IntegrationSchema = defineEntity({
  name: "Integration",
  tableName: "pa_integration",
  properties: {
    id: p.string().length(37).primary(),
    name: p.string().length(255).nullable(),
    clientToken: p.string().length(37).fieldName("client_token").unique("pa_integration_token"),
    /** SHA-256 of the client secret; the secret itself is shown once, at creation. */
    clientSecretHash: p.string().length(255).fieldName("client_secret_hash").hidden().lazy(),
    timestampCreated: p.datetime().fieldName("timestamp_created").defaultRaw("now()").onCreate(() => new Date()),
  },
});
export class Integration extends IntegrationSchema.class {}
IntegrationSchema.setClass(Integration);
