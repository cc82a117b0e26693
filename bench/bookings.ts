/**
 * Bookings under a race: `--elders` (400) elders each ask for a table for two at 7 pm tomorrow at once, at
 * one venue (`hot`: every booking waits for the venue's lock) and spread over `--venues` (20) venues, each
 * with `--seats` (40) seats; `--concurrency` (16) tasks run at a time through the real TaskRunner, on
 * Postgres (the venue row locked) and on SQLite (one writer). Measures task runs/s and confirmed bookings/s,
 * and checks that exactly the seats available were booked (no venue over its capacity).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { openDatabase, ormOptions, type DatabaseTarget } from '../src/db/orm.ts';
import { Elder } from '../src/tasks/elders/elder.entity.ts';
import { Venue } from '../src/tasks/bookings/venue.entity.ts';
import { Booking } from '../src/tasks/bookings/booking.entity.ts';
import { TaskService } from '../src/tasks/task-service.ts';
import type { Task } from '../src/tasks/task.entity.ts';
import { createTaskHandlers } from '../src/tasks/task-handlers.ts';
import { TaskRunner } from '../src/workers/task-runner.ts';
import { systemClock } from '../src/lib/clock.ts';
import { createLogger } from '../src/lib/logger.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['12:00', '23:00']] as [string, string][]]));

/** Seeds the venues and elders, queues one booking task per elder, runs them all `concurrency` at a time. */
async function race(target: DatabaseTarget, label: string, elders: number, venues: number, seats: number, concurrency: number): Promise<BenchResult[]> {
  const orm = await openDatabase(target);
  try {
    const handlers = createTaskHandlers();
    const noQueue = { enqueueTasks: async () => undefined };
    const tasks = new TaskService({ orm, handlers, queue: noQueue, clock: systemClock, maxAttempts: 5 });
    const runner = new TaskRunner({ orm, handlers, delivery: { enqueueDeliveries: async () => undefined }, clock: systemClock, logger: createLogger('silent'), leaseMs: 60_000, backoffMs: 10 });
    const em = orm.em.fork();
    const names = Array.from({ length: venues }, (_, i) => `Bench Bistro ${label} ${i}`);
    for (const name of names) {
      em.create(Venue, { id: randomUUID(), name, kind: 'restaurant', address: null, phone: null, timezone: 'Europe/London', openingHours: EVERY_DAY, capacityPerSlot: seats, services: null, provider: 'builtin', partnerRef: null, createdAt: new Date() });
    }
    const people = Array.from({ length: elders }, (_, i) => em.create(Elder, { id: randomUUID(), name: `Elder ${i}`, timezone: 'Europe/London', locale: 'en-GB' }));
    await em.flush();
    const start = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toFormat("yyyy-LL-dd'T'19:00");
    const queued: Task[] = [];
    for (const [i, elder] of people.entries()) {
      queued.push(await tasks.submit({ elder, kind: 'book_restaurant', args: { venue: names[i % venues]!, party_size: 2, start }, requestedByAccountId: null, replyChannel: 'terminal', replyChatId: `chat-${i}` }));
    }
    let next = 0;
    let retried = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < queued.length) {
          const task = queued[next++]!;
          for (;;) {
            try {
              await runner.run(task.id);
              break;
            } catch {
              retried++;
            }
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const confirmed = await orm.em.fork().count(Booking, { status: 'confirmed' });
    const expected = Math.min(elders, venues * Math.floor(seats / 2));
    if (confirmed !== expected) throw new Error(`${label}: expected ${expected} confirmed bookings, got ${confirmed}`);
    const what = `${elders} elders, ${venues} venue${venues === 1 ? '' : 's'} × ${seats} seats`;
    return [
      { bench: 'bookings', metric: `${label}: task runs/s (${what}, concurrency ${concurrency})`, value: elders / seconds, unit: 'tasks/s' },
      { bench: 'bookings', metric: `${label}: confirmed bookings/s`, value: confirmed / seconds, unit: 'bookings/s' },
      { bench: 'bookings', metric: `${label}: confirmed (exactly the seats)`, value: confirmed, unit: 'bookings', target: String(expected) },
      { bench: 'bookings', metric: `${label}: runs retried`, value: retried, unit: 'runs' },
    ];
  } finally {
    await orm.close();
  }
}

/** Runs the race on Postgres and SQLite, one hot venue and many venues. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const elders = arg(args, 'elders', 400);
  const venues = arg(args, 'venues', 20);
  const seats = arg(args, 'seats', 40);
  const concurrency = arg(args, 'concurrency', 16);
  const results: BenchResult[] = [];
  const schema = `bench_bookings_${randomUUID().slice(0, 8)}`;
  try {
    results.push(...(await race({ kind: 'postgresql', url: PG, schema: `${schema}_hot` }, 'postgres hot venue', elders, 1, seats, concurrency)));
    results.push(...(await race({ kind: 'postgresql', url: PG, schema }, 'postgres spread', elders, venues, seats, concurrency)));
  } finally {
    const admin = await MikroORM.init(ormOptions({ kind: 'postgresql', url: PG }));
    for (const s of [schema, `${schema}_hot`]) await admin.em.getConnection().execute(`drop schema if exists "${s}" cascade`);
    await admin.close();
  }
  for (const [label, count] of [['sqlite hot venue', 1], ['sqlite spread', venues]] as const) {
    const path = join(tmpdir(), `bench-bookings-${randomUUID().slice(0, 8)}.db`);
    try {
      results.push(...(await race({ kind: 'sqlite', path }, label, elders, count, seats, concurrency)));
    } finally {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    }
  }
  return results;
}
