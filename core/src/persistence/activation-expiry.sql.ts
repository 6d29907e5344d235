import type { NamedStatement } from "./sql-statement.ts";

/**
 * The activation expiry job's one statement, beside the activation aggregate's others (`activation.sql.ts`):
 * it ends a batch of abandoned activations set-wise, so the job's cost per activation stays a fraction of a
 * round trip however large `pa_activation` is.
 *
 * It claims the `$2` activations still pending (CREATED = 1, OTP_USED = 2, written out because the condition
 * must match the predicate of the partial index `pa_activation_pending_expiry` for the planner to use it) whose
 * expiry passed longest before `$1`: one range at the start of that index. They are locked with
 * `FOR UPDATE SKIP LOCKED` — PostgreSQL re-checks the condition on a row it locks, and a row someone else
 * holds is being touched by a call that expires it lazily — so several cores share the work and nothing is
 * removed twice. It sets them to `$3` (REMOVED) with `timestamp_last_change` `$1`, writes their history rows,
 * and returns what their callbacks need.
 */
export const EXPIRE_PENDING_ACTIVATIONS: NamedStatement = {
  name: "pa_activation_expire_pending",
  text: `with expired as (
  select activation_id from pa_activation
  where activation_status in (1, 2) and timestamp_activation_expire < $1
  order by timestamp_activation_expire
  limit $2
  for update skip locked
), removed as (
  update pa_activation a set activation_status = $3, timestamp_last_change = $1
  from expired where a.activation_id = expired.activation_id
  returning a.activation_id, a.application_id, a.user_id, a.activation_name, a.activation_status, a.blocked_reason, a.platform,
    a.device_info, a.flags
), history as (
  insert into pa_activation_history (activation_id, activation_status, timestamp_created)
  select activation_id, activation_status, $1 from removed
)
select * from removed`,
  locksRows: true,
};
