import { Migration } from "@mikro-orm/migrations";

/** Replay protection (issue #13 §2): values accepted once, each until its expiry; the cleanup job scans the index. */
export class Migration0008UniqueValues extends Migration {
  override name = "0008-unique-values";

  override up(): void {
    this.addSql(`create table pa_unique_value (
      unique_value varchar(255) primary key,
      type varchar(32) not null,
      timestamp_expires timestamptz not null
    )`);
    this.addSql(`create index pa_unique_value_expiration on pa_unique_value (timestamp_expires)`);
  }
}
