import { defineEntity, p } from "@mikro-orm/core";

/** A user of the Cloud Admin API (`pa_cloud_user`); the password is kept as an Argon2id hash. */
export const AdminUserSchema = defineEntity({
  name: "AdminUser",
  tableName: "pa_cloud_user",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    username: p.string().length(255).unique("pa_cloud_user_username"),
    passwordHash: p.string().length(255).fieldName("password_hash").hidden().lazy(),
    enabled: p.boolean().default(true),
    /** `ROLE_ADMIN` may call everything under /admin. */
    authority: p.string().length(32).default("ROLE_ADMIN"),
  },
});
export class AdminUser extends AdminUserSchema.class {}
AdminUserSchema.setClass(AdminUser);
