import { Migration } from "@mikro-orm/migrations";

/**
 * Which payload a callback is sent: `CLOUD` (`type`, `activationId` and the configured attributes) or
 * `SOAP_0_22` (only `activationId`, what 0.22 receivers were written against). Rows that existed before are
 * Cloud callbacks: nothing created them through SOAP.
 */
export class Migration0003Callbacks extends Migration {
  override name = "0003-callbacks";

  override up(): void {
    this.addSql(`alter table pa_application_callback add column payload_format varchar(32) not null default 'CLOUD'`);
  }
}
