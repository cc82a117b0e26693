import { Migration } from '@mikro-orm/migrations';

export class Migration20261129041800_family_summary_time extends Migration {

  override name = 'Migration20261129041800_family_summary_time';

  override up(): void | Promise<void> {
    this.addSql(`alter table "family_circles" add "summary_time" varchar(5) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "family_circles" drop column "summary_time";`);
  }

}
