import { Migration } from "@mikro-orm/migrations";

/** Applications, versions, master key pairs, configuration, integrations and admin users. */
export class Migration0001Initial extends Migration {
  override name = "0001-initial";

  override up(): void {
    this.addSql(`create table pa_application (
      id bigserial primary key,
      name varchar(255) not null,
      roles jsonb not null default '[]'::jsonb,
      timestamp_created timestamptz not null default now()
    )`);
    this.addSql(`create unique index pa_application_name on pa_application (name)`);

    this.addSql(`create table pa_application_version (
      id bigserial primary key,
      application_id bigint not null references pa_application (id) on delete cascade,
      name varchar(255) not null,
      application_key varchar(255) not null,
      application_secret varchar(255) not null,
      supported boolean not null default true
    )`);
    this.addSql(`create unique index pa_app_version_app_key on pa_application_version (application_key)`);
    this.addSql(`create index pa_app_version_application on pa_application_version (application_id)`);

    this.addSql(`create table pa_master_keypair (
      id bigserial primary key,
      application_id bigint not null references pa_application (id) on delete cascade,
      name varchar(255) not null,
      master_key_private_base64 varchar(255) not null,
      master_key_public_base64 varchar(255) not null,
      timestamp_created timestamptz not null default now()
    )`);
    this.addSql(`create index pa_master_keypair_application on pa_master_keypair (application_id, timestamp_created desc, id desc)`);

    this.addSql(`create table pa_application_config (
      id bigserial primary key,
      application_id bigint not null references pa_application (id) on delete cascade,
      config_key varchar(255) not null,
      config_values text not null,
      encryption_mode varchar(32) not null default 'NO_ENCRYPTION'
    )`);
    this.addSql(`create unique index pa_app_config_key_idx on pa_application_config (application_id, config_key)`);

    this.addSql(`create table pa_integration (
      id varchar(37) primary key,
      name varchar(255),
      client_token varchar(37) not null,
      client_secret_hash varchar(255) not null,
      timestamp_created timestamptz not null default now()
    )`);
    this.addSql(`create unique index pa_integration_token on pa_integration (client_token)`);

    this.addSql(`create table pa_cloud_user (
      id bigserial primary key,
      username varchar(255) not null,
      password_hash varchar(255) not null,
      enabled boolean not null default true,
      authority varchar(32) not null default 'ROLE_ADMIN'
    )`);
    this.addSql(`create unique index pa_cloud_user_username on pa_cloud_user (username)`);
  }
}
