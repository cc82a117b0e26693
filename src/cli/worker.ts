/**
 * `npm run worker`: a scale-mode worker process: runs tasks from BullMQ and the periodic sweeps. Run as many
 * as needed. SIGTERM stops taking jobs, finishes the one in hand, then exits.
 */
import { exitOnConfigError, loadConfigOrExit } from '../config.ts';
import { buildApp } from '../app.ts';
import { createLogger } from '../lib/logger.ts';
import { secretsOfConfig } from '../lib/log-masking.ts';

const config = loadConfigOrExit();
if (config.mode !== 'scale') {
  process.stderr.write('npm run worker needs DATABASE_URL and REDIS_URL; in the embedded mode `npm start` runs tasks itself.\n');
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL, undefined, { secrets: secretsOfConfig(config) });
const app = await exitOnConfigError(buildApp({ config, logger, role: 'worker', http: config.WORKER_HTTP === 'true' }));
const shutdown = async (signal: string): Promise<void> => {
  logger.info({ signal }, 'worker shutting down');
  await app.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
