import { Migration } from "@mikro-orm/migrations";

/**
 * What the delivery worker needs beyond the reference's outbox: the ordering key (events of one activation reach
 * one callback in the order they happened, so a later event waits while an earlier one of the same key is still
 * PENDING or PROCESSING) and the index that answers "is an earlier one still open?" without a scan.
 */
export class Migration0004CallbackDelivery extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table pa_application_callback_event add column ordering_key varchar(64)`);
    this.addSql(
      `create index pa_app_callback_event_order on pa_application_callback_event (application_callback_id, ordering_key, id)`,
    );
  }
}
