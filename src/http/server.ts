import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

/** A dependency /readyz checks; `check` throws or rejects when it is not reachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** The HTTP face of a process: liveness, readiness (database and Redis reachable) and Prometheus metrics. */
export function buildHttpServer(deps: { metrics: Metrics; checks: ReadinessCheck[]; beforeScrape?: () => Promise<void> }): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      deps.checks.map(async (c) => {
        try {
          await Promise.race([c.check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
          results[c.name] = 'ok';
        } catch (err) {
          ready = false;
          results[c.name] = err instanceof Error ? err.message : 'unreachable';
        }
      }),
    );
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  app.get('/metrics', async (_req, reply) => {
    await deps.beforeScrape?.().catch(() => undefined);
    return reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
