import { Migration } from "@mikro-orm/migrations";

/**
 * Every secret at rest is sealed with a master DB key (issue #13 §1). Each secret column gets the id of the key
 * that sealed it (`*_encryption_key_id`, null in the clear and for records sealed before this migration), so
 * keys can be rotated; the two secrets that had no mode column (master private keys, token secrets) get one,
 * 0 = in the clear, as every existing row is. The core seals the rows that are still clear, or under an older
 * key, when it starts with a key configured (`domain/secrets/reseal-secrets.ts`), not here: a migration does not
 * know the key.
 */
export class Migration0009SecretKeyIds extends Migration {
  override name = "0009-secret-key-ids";

  override up(): void {
    this.addSql(`alter table pa_activation add column server_private_key_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_master_keypair add column master_key_private_encryption integer not null default 0`);
    this.addSql(`alter table pa_master_keypair add column master_key_private_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_token add column token_secret_encryption integer not null default 0`);
    this.addSql(`alter table pa_token add column token_secret_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_application_config add column config_values_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_application_callback add column authentication_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_recovery_puk add column puk_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_recovery_config add column postcard_private_key_encryption_key_id varchar(32)`);
    this.addSql(`alter table pa_push_credential add column secret_encryption_key_id varchar(32)`);
  }
}
