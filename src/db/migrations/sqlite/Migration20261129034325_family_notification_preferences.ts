import { Migration } from '@mikro-orm/migrations';

export class Migration20261129034325_family_notification_preferences extends Migration {

  override name = 'Migration20261129034325_family_notification_preferences';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`family_circles\` add column \`dose_notices\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`family_circles\` drop column \`dose_notices\`;`);
  }

}
