import { Migration } from "@mikro-orm/migrations";

/**
 * Activations and everything that hangs off them: status history, signature audit, tokens, callback URLs and
 * the callback outbox. Column names follow the reference schema (server-behaviour.md §2.1/§2.2).
 */
export class Migration0002Activations extends Migration {
  override name = "0002-activations";

  override up(): void {
    this.addSql(`create table pa_activation (
      activation_id varchar(37) primary key,
      application_id bigint not null references pa_application (id),
      user_id varchar(255) not null,
      activation_name varchar(255),
      activation_code varchar(255),
      activation_status integer not null,
      activation_otp varchar(255),
      activation_otp_validation integer not null default 0,
      blocked_reason varchar(255),
      extras text,
      platform varchar(255),
      device_info varchar(255),
      flags jsonb not null default '[]'::jsonb,
      counter bigint not null default 0,
      ctr_data varchar(255),
      device_public_key_base64 text,
      failed_attempts bigint not null default 0,
      max_failed_attempts bigint not null default 5,
      server_private_key_base64 text not null,
      server_private_key_encryption integer not null default 0,
      server_public_key_base64 text not null,
      master_keypair_id bigint references pa_master_keypair (id),
      timestamp_created timestamptz not null default now(),
      timestamp_activation_expire timestamptz not null,
      timestamp_last_used timestamptz not null default now(),
      timestamp_last_change timestamptz,
      version integer
    )`);
    // Equality lookups (prepare) and the prefix uniqueness check of new codes (LIKE 'XXXXX-XXXXX%').
    this.addSql(`create index pa_activation_code on pa_activation (application_id, activation_code varchar_pattern_ops)`);
    this.addSql(`create index pa_activation_user_id on pa_activation (user_id)`);
    // The expiry job's scan (issue #759: without it the query was a sequential scan).
    this.addSql(`create index pa_activation_expiration on pa_activation (activation_status, timestamp_activation_expire)`);
    this.addSql(`create index pa_activation_keypair on pa_activation (master_keypair_id)`);

    this.addSql(`create table pa_activation_history (
      id bigserial primary key,
      activation_id varchar(37) not null references pa_activation (activation_id),
      activation_status integer not null,
      event_reason varchar(255),
      external_user_id varchar(255),
      timestamp_created timestamptz not null default now()
    )`);
    this.addSql(`create index pa_activation_history_act on pa_activation_history (activation_id, timestamp_created)`);
    this.addSql(`create index pa_activation_history_created on pa_activation_history (timestamp_created)`);

    this.addSql(`create table pa_signature_audit (
      id bigserial primary key,
      activation_id varchar(37) not null references pa_activation (activation_id),
      activation_counter bigint not null,
      activation_ctr_data varchar(255),
      activation_status integer not null,
      additional_info text,
      data_base64 text,
      signature_type varchar(255) not null,
      signature varchar(255) not null,
      valid boolean not null default false,
      note text not null,
      timestamp_created timestamptz not null default now(),
      version integer,
      signature_version varchar(255)
    )`);
    this.addSql(`create index pa_signature_audit_activation on pa_signature_audit (activation_id, timestamp_created)`);
    this.addSql(`create index pa_signature_audit_created on pa_signature_audit (timestamp_created)`);

    this.addSql(`create table pa_token (
      token_id varchar(37) primary key,
      token_secret varchar(255) not null,
      activation_id varchar(37) not null references pa_activation (activation_id),
      signature_type varchar(255) not null,
      timestamp_created timestamptz not null default now()
    )`);
    this.addSql(`create index pa_token_activation on pa_token (activation_id)`);

    this.addSql(`create table pa_application_callback (
      id varchar(37) primary key,
      application_id bigint not null references pa_application (id),
      name varchar(255),
      callback_url text not null,
      type varchar(64) not null default 'ACTIVATION_STATUS_CHANGE',
      attributes jsonb not null default '[]'::jsonb,
      authentication text,
      encryption_mode varchar(255) not null default 'NO_ENCRYPTION',
      max_attempts integer,
      initial_backoff varchar(64),
      retention_period varchar(64),
      enabled boolean not null default true,
      timestamp_created timestamptz not null default now(),
      timestamp_last_updated timestamptz
    )`);
    this.addSql(`create index pa_app_callback_app on pa_application_callback (application_id)`);

    this.addSql(`create table pa_application_callback_event (
      id bigserial primary key,
      application_callback_id varchar(37) not null references pa_application_callback (id),
      callback_data text not null,
      status varchar(32) not null,
      timestamp_created timestamptz not null default now(),
      timestamp_last_call timestamptz,
      timestamp_next_call timestamptz,
      timestamp_delete_after timestamptz,
      timestamp_rerun_after timestamptz,
      attempts integer not null default 0,
      idempotency_key varchar(36) not null
    )`);
    // The delivery worker claims PENDING rows due now (FOR UPDATE SKIP LOCKED).
    this.addSql(`create index pa_app_callback_event_status on pa_application_callback_event (status, timestamp_next_call)`);
    this.addSql(`create index pa_app_callback_event_delete on pa_application_callback_event (timestamp_delete_after)`);
    this.addSql(`create index pa_app_callback_event_callback on pa_application_callback_event (application_callback_id)`);
  }
}
