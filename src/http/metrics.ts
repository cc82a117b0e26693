import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, in its own registry (no global state). */
export class Metrics {
  readonly registry = new Registry();
  readonly messages = new Counter({ name: 'assistant_messages_total', help: 'Messages by direction and channel', labelNames: ['direction', 'channel'], registers: [this.registry] });
  readonly tasks = new Counter({ name: 'assistant_task_runs_total', help: 'Task run outcomes by kind', labelNames: ['kind', 'status'], registers: [this.registry] });
  readonly tasksByStatus = new Gauge({ name: 'assistant_tasks', help: 'Unfinished tasks in the database by status', labelNames: ['status'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'assistant_queue_depth', help: 'Jobs waiting per queue', labelNames: ['queue'], registers: [this.registry] });
  /** Outbound messages waiting to be sent, per delivery lane (from the outbox, so every process sees the same). */
  readonly outboundWaiting = new Gauge({ name: 'assistant_outbound_waiting', help: 'Outbound messages waiting per delivery lane', labelNames: ['lane'], registers: [this.registry] });
  /** How long the oldest waiting message of each lane has waited. */
  readonly outboundOldestAge = new Gauge({
    name: 'assistant_outbound_oldest_age_seconds',
    help: 'Age of the oldest outbound message waiting per delivery lane',
    labelNames: ['lane'],
    registers: [this.registry],
  });
  /** Reminders and dose prompts: sent minus due. */
  readonly reminderLateness = new Histogram({
    name: 'assistant_reminder_lateness_seconds',
    help: 'How late reminders and dose prompts were sent after their due time',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  /** "Too many requests" answers from a platform, per channel and method. */
  readonly rateLimited = new Counter({ name: 'assistant_rate_limited_total', help: 'Too-many-requests answers (429) by channel and method', labelNames: ['channel', 'method'], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
