import { Migration } from '@mikro-orm/migrations';

export class Migration20261128050531_whatsapp_auth extends Migration {

  override name = 'Migration20261128050531_whatsapp_auth';

  override up(): void | Promise<void> {
    this.addSql(`create table "whatsapp_auth" ("session" varchar(64) not null, "key" varchar(300) not null, "value" text not null, "updated_at" timestamptz not null, primary key ("session", "key"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "whatsapp_auth" cascade;`);
  }

}
