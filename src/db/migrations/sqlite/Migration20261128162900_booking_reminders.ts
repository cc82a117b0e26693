import { Migration } from '@mikro-orm/migrations';

export class Migration20261128162900_booking_reminders extends Migration {

  override name = 'Migration20261128162900_booking_reminders';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`bookings\` add column \`reminded_day_before_at\` datetime null;`);
    this.addSql(`alter table \`bookings\` add column \`reminded_soon_at\` datetime null;`);
    this.addSql(`create index \`bookings_status_start_at_index\` on \`bookings\` (\`status\`, \`start_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`bookings_status_start_at_index\`;`);
    this.addSql(`alter table \`bookings\` drop column \`reminded_day_before_at\`;`);
    this.addSql(`alter table \`bookings\` drop column \`reminded_soon_at\`;`);
  }

}
