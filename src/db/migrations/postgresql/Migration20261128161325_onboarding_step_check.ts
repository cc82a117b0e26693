import { Migration } from '@mikro-orm/migrations';

/**
 * Keeps the two dialects' migration lists in step. On Postgres the check on elders.onboarding_step came with the
 * column (Migration20261128054844_family); SQLite cannot add a check to a table, so its migration of this name
 * rebuilds the table. Nothing is left to do here.
 */
export class Migration20261128161325_onboarding_step_check extends Migration {

  override name = 'Migration20261128161325_onboarding_step_check';

  override up(): void | Promise<void> {}

  override down(): void | Promise<void> {}

}
