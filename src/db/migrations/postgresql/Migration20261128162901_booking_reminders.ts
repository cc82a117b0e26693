import { Migration } from '@mikro-orm/migrations';

export class Migration20261128162901_booking_reminders extends Migration {

  override name = 'Migration20261128162901_booking_reminders';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bookings" add "reminded_day_before_at" timestamptz null, add "reminded_soon_at" timestamptz null;`);
    this.addSql(`create index "bookings_status_start_at_index" on "bookings" ("status", "start_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "bookings_status_start_at_index";`);
    this.addSql(`alter table "bookings" drop column "reminded_day_before_at", drop column "reminded_soon_at";`);
  }

}
