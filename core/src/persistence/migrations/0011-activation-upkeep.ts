import { Migration } from "@mikro-orm/migrations";

/**
 * Keeps the cost of the activation table's calls independent of its size (issue #14 §3).
 *
 * Every signature verification writes `timestamp_last_used`, a key of `pa_activation_last_used`, so each one
 * leaves a dead entry in that index inside the telemetry window, and only a vacuum removes it: the telemetry
 * count walks them all. PostgreSQL's default autovacuum waits for dead rows to reach 20 % of the table (200,000
 * on a million activations) and may skip the indexes while they sit on fewer than 2 % of its pages, so that
 * garbage grew with the table. Here a fixed number of dead rows starts a vacuum whatever the size, and the vacuum
 * always cleans the indexes.
 *
 * `pa_activation_expiration` (status, expiry) is dropped: since migration 0010 the expiry job and the expiry-lag
 * gauge read the partial index `pa_activation_pending_expiry`, and every update of an activation (each
 * verification, each expiry) wrote an entry into it for nothing.
 */
export class Migration0011ActivationUpkeep extends Migration {
  override name = "0011-activation-upkeep";

  override up(): void {
    this.addSql(`drop index pa_activation_expiration`);
    this.addSql(
      `alter table pa_activation set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, vacuum_index_cleanup = on)`,
    );
  }
}
