import { Migration } from "@mikro-orm/migrations";

/**
 * The activation expiry job's index (issue #14 §3): only activations still waiting for their key exchange or
 * commit (CREATED = 1, OTP_USED = 2), in order of expiry. A batch of the job is then one range at the start of
 * a small index, however many activations the table holds; `pa_activation_expiration` (status, expiry) could
 * give that order for one status only, so a query over both sorted every expired row for every batch, or
 * the planner chose a sequential scan that started again at the table's beginning each time.
 */
export class Migration0010PendingActivationExpiry extends Migration {
  override name = "0010-pending-activation-expiry";

  override up(): void {
    this.addSql(`create index pa_activation_pending_expiry on pa_activation (timestamp_activation_expire) where activation_status in (1, 2)`);
  }
}
