import { Migration } from "@mikro-orm/migrations";

/**
 * Activation recovery: recovery codes (issued with an activation or printed on a postcard), their PUKs and each
 * application's recovery configuration. Column names follow the reference schema.
 */
export class Migration0005Recovery extends Migration {
  override name = "0005-recovery";

  override up(): void {
    this.addSql(`create table pa_recovery_code (
      id bigserial primary key,
      recovery_code varchar(23) not null,
      application_id bigint not null references pa_application (id),
      user_id varchar(255) not null,
      activation_id varchar(37) references pa_activation (activation_id),
      status integer not null,
      failed_attempts bigint not null default 0,
      max_failed_attempts bigint not null,
      timestamp_created timestamptz not null default now(),
      timestamp_last_used timestamptz,
      timestamp_last_change timestamptz
    )`);
    // A code is unique per application (RecoveryCodeActivation finds it by application and code).
    this.addSql(`create unique index pa_recovery_code_code on pa_recovery_code (application_id, recovery_code)`);
    this.addSql(`create index pa_recovery_code_user on pa_recovery_code (user_id)`);
    this.addSql(`create index pa_recovery_code_activation on pa_recovery_code (activation_id)`);

    this.addSql(`create table pa_recovery_puk (
      id bigserial primary key,
      recovery_code_id bigint not null references pa_recovery_code (id),
      puk varchar(255) not null,
      puk_encryption integer not null default 0,
      puk_index bigint not null,
      status integer not null,
      timestamp_last_change timestamptz
    )`);
    this.addSql(`create unique index pa_recovery_puk_code_index on pa_recovery_puk (recovery_code_id, puk_index)`);

    this.addSql(`create table pa_recovery_config (
      id bigserial primary key,
      application_id bigint not null references pa_application (id),
      activation_recovery_enabled boolean not null default false,
      recovery_postcard_enabled boolean not null default false,
      allow_multiple_recovery_codes boolean not null default false,
      postcard_private_key_base64 varchar(255),
      postcard_private_key_encryption integer not null default 0,
      postcard_public_key_base64 varchar(255),
      remote_public_key_base64 varchar(255)
    )`);
    this.addSql(`create unique index pa_recovery_config_app on pa_recovery_config (application_id)`);
  }
}
