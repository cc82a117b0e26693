import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080001_unfinished_task_indexes extends Migration {

  override name = 'Migration20261202080001_unfinished_task_indexes';

  override up(): void | Promise<void> {
    this.addSql(`drop index "tasks_elder_id_status_index";`);
    this.addSql(`drop index "tasks_status_run_after_index";`);
    this.addSql(`create index "tasks_unfinished_elder_index" on "tasks" ("elder_id", "requested_by_account_id") where "finished_at" is null;`);
    this.addSql(`create index "tasks_unfinished_created_index" on "tasks" ("created_at") where "finished_at" is null;`);
    this.addSql(`alter table "tasks" add constraint "tasks_finished_at_check" check ((finished_at is null) = (status <> 'succeeded' and status <> 'failed' and status <> 'cancelled'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "tasks_unfinished_elder_index";`);
    this.addSql(`drop index "tasks_unfinished_created_index";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_finished_at_check";`);
    this.addSql(`create index "tasks_elder_id_status_index" on "tasks" ("elder_id", "status");`);
    this.addSql(`create index "tasks_status_run_after_index" on "tasks" ("status", "run_after");`);
  }

}
