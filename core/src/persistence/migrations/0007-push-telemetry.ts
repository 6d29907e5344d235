import { Migration } from "@mikro-orm/migrations";

/**
 * Push notification credentials of the Cloud Admin API (cloud-admin.md §3) and the index behind the telemetry
 * count (§6).
 */
export class Migration0007PushTelemetry extends Migration {
  override name = "0007-push-telemetry";

  override up(): void {
    // One row per application and platform (APNS, FCM, HMS). `settings` holds what the API may show (topic,
    // key and team IDs, environment, project IDs, HMS app and client IDs); `secret` the private key file or
    // client secret, sealed with the master DB key bound to the application and platform when one is configured.
    this.addSql(`create table pa_push_credential (
      id bigserial primary key,
      application_id bigint not null references pa_application (id) on delete cascade,
      platform varchar(8) not null,
      settings jsonb not null,
      secret text not null,
      encryption_mode varchar(32) not null default 'NO_ENCRYPTION',
      timestamp_created timestamptz not null default now(),
      timestamp_last_updated timestamptz
    )`);
    this.addSql(`create unique index pa_push_credential_app_platform on pa_push_credential (application_id, platform)`);

    // Distinct users of an application active since a moment: a range scan of this index (index-only, user_id
    // included), so the answer costs the rows in the window, not the size of the table.
    this.addSql(`create index pa_activation_last_used on pa_activation (application_id, timestamp_last_used, user_id)`);
  }
}
