import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, in its own registry (no global state). */
export class Metrics {
  readonly registry = new Registry();
  readonly messages = new Counter({ name: 'assistant_messages_total', help: 'Messages by direction and channel', labelNames: ['direction', 'channel'], registers: [this.registry] });
  readonly tasks = new Counter({ name: 'assistant_task_runs_total', help: 'Task run outcomes by kind', labelNames: ['kind', 'status'], registers: [this.registry] });
  readonly tasksByStatus = new Gauge({ name: 'assistant_tasks', help: 'Unfinished tasks in the database by status', labelNames: ['status'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'assistant_queue_depth', help: 'Jobs waiting per queue', labelNames: ['queue'], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
