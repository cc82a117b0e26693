import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server of the test's own on a loopback port, started and stopped at will (the machine's Redis is untouched). */
export interface PrivateRedis {
  url: string;
  /** Starts the server; resolves once it answers a ping. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM, as an operator's restart does) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A private Redis for `port` (not started yet: a test decides when it comes up). */
export function privateRedis(port: number): PrivateRedis {
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let dir: string | undefined;
  return {
    url,
    async start() {
      dir = mkdtempSync(join(tmpdir(), 'grandma-redis-'));
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      const deadline = Date.now() + 15_000;
      for (;;) {
        const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.ping();
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          client.disconnect();
        }
      }
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
