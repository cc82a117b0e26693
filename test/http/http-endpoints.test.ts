import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../src/app.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { unusedAgent } from '../support/factories.ts';

describe.each(MODES)('health, readiness and metrics over HTTP (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let base: string;

  beforeAll(async () => {
    storage = testStorage(mode, { HTTP_PORT: '0' });
    app = await buildApp({ config: storage.config, clock: systemClock, logger: createLogger('silent'), channels: [new FakeChannel()], agent: unusedAgent, database: storage.database, cron: false });
    base = `http://127.0.0.1:${(app.http!.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('says it is alive', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database (and Redis in scale mode) answer', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks).toEqual(mode === 'scale' ? { database: 'ok', redis: 'ok' } : { database: 'ok' });
  });

  it('exposes messages, task runs, tasks by status and queue depth to Prometheus', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('assistant_tasks{status="queued"} 0');
    expect(text).toContain('assistant_queue_depth{queue="outbound"} 0');
    expect(text).toContain('# TYPE assistant_messages_total counter');
    expect(text).toContain('# TYPE assistant_task_runs_total counter');
  });
});
