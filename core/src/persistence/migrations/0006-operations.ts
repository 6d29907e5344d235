import { Migration } from "@mikro-orm/migrations";

/**
 * Operations (what a user approves on the phone) and the templates they are created from. An operation names
 * its applications by their Cloud id in a JSON array (one row per operation on the hot create path; the
 * callback lookup joins by name); signature types, parameters and additional data are JSON as well. The
 * expiry job finds PENDING rows past their expiry through `pa_operation_expiry`; a user's list reads
 * `pa_operation_user`.
 */
export class Migration0006Operations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table pa_operation_template (
      template_name varchar(255) not null primary key,
      operation_type varchar(255) not null,
      data_template text not null,
      signature_types jsonb not null,
      max_failure_count integer not null,
      expiration bigint not null,
      timestamp_created timestamptz not null default now(),
      timestamp_last_updated timestamptz
    )`);
    this.addSql(`create table pa_operation (
      id varchar(37) not null primary key,
      user_id varchar(255),
      applications jsonb not null,
      external_id varchar(255),
      activation_flag varchar(255),
      activation_id varchar(37),
      operation_type varchar(255) not null,
      template_name varchar(255) not null,
      data text not null,
      parameters jsonb not null default '{}'::jsonb,
      additional_data jsonb not null default '{}'::jsonb,
      status varchar(32) not null,
      status_reason varchar(255),
      signature_type jsonb not null,
      failure_count integer not null default 0,
      max_failure_count integer not null,
      timestamp_created timestamptz not null default now(),
      timestamp_expires timestamptz not null,
      timestamp_finalized timestamptz
    )`);
    this.addSql(`create index pa_operation_expiry on pa_operation (status, timestamp_expires)`);
    this.addSql(`create index pa_operation_user on pa_operation (user_id, timestamp_created)`);
  }
}
