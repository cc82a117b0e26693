import { Migration } from '@mikro-orm/migrations';

export class Migration20261129041759_family_summary_time extends Migration {

  override name = 'Migration20261129041759_family_summary_time';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`family_circles\` add column \`summary_time\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`family_circles\` drop column \`summary_time\`;`);
  }

}
