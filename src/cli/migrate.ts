/**
 * `npm run migrate`: the one-shot migrate step of a deployment. Waits for the database like the app does,
 * applies every pending migration under the schema's advisory lock, logs what it applied and exits (0 done,
 * 1 with one line for a bad setting). Run it before the app and the workers, which then start with
 * MIGRATE_ON_START=false and wait until the schema is current. Needs only DATABASE_URL (and DATABASE_SCHEMA),
 * or SQLITE_PATH; `npx mikro-orm migration:up` does the same through MikroORM's CLI.
 */
import { exitOnConfigError, loadDotEnv, parseDatabaseSettings } from '../config.ts';
import { databaseTarget } from '../db/orm.ts';
import { startDatabase } from '../db/database-startup.ts';
import { createLogger } from '../lib/logger.ts';
import { secretsOfConfig } from '../lib/log-masking.ts';

loadDotEnv();
const settings = await exitOnConfigError(Promise.resolve().then(() => parseDatabaseSettings(process.env)));
const logger = createLogger(settings.LOG_LEVEL, undefined, { secrets: secretsOfConfig(settings) });
const orm = await exitOnConfigError(startDatabase({ target: databaseTarget(settings), migrateOnStart: true, logger }));
await orm.close();
