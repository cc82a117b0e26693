import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../src/app.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { unusedAgent } from '../support/factories.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { outboundRow } from '../../src/messaging/outbox.ts';

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
    expect(text).toContain('# TYPE assistant_reminder_lateness_seconds histogram');
    expect(text).toContain('# TYPE assistant_rate_limited_total counter');
    for (const lane of ['alert', 'escalation', 'reply', 'reminder', 'digest']) {
      expect(text).toContain(`assistant_outbound_waiting{lane="${lane}"} 0`);
      expect(text).toContain(`assistant_outbound_oldest_age_seconds{lane="${lane}"} 0`);
    }
  });

  it('exposes how many messages wait in each lane and how long the oldest has waited', async () => {
    // A WhatsApp digest, which this process has no channel to send: it waits.
    const em = app.orm.em.fork();
    em.create(MessageLog, { ...outboundRow({ channel: 'whatsapp', chatId: '447700900123@s.whatsapp.net', text: 'Your week', lane: 'digest' }), createdAt: new Date(Date.now() - 120_000) });
    await em.flush();
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('assistant_outbound_waiting{lane="digest"} 1');
    expect(text).toContain('assistant_outbound_waiting{lane="alert"} 0');
    const age = Number(/assistant_outbound_oldest_age_seconds\{lane="digest"\} ([\d.]+)/.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(119);
    expect(age).toBeLessThan(600);
  });
});
