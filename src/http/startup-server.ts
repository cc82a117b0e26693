import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartupReporter } from '../lib/wait-for-service.ts';

/**
 * The HTTP face of a process while it waits for its database, schema and Redis: `/healthz` says it is alive
 * (so an orchestrator does not kill a process that is only waiting), `/readyz` answers 503 with what it waits
 * for, everything else 503. It gives the port to the full server once the process has started.
 */
export class StartupServer implements StartupReporter {
  private readonly waiting = new Map<string, string>();
  private readonly server: Server;
  private listeningPort = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const [status, body] =
        path === '/healthz' ? [200, { status: 'ok' }] : path === '/readyz' ? [503, { status: 'starting', checks: Object.fromEntries(this.waiting) }] : [503, { status: 'starting' }];
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
  }

  /** Starts listening where the full server will. */
  static async listen(host: string, port: number): Promise<StartupServer> {
    const startup = new StartupServer();
    await new Promise<void>((resolve, reject) => {
      startup.server.once('error', reject);
      startup.server.listen(port, host, () => {
        startup.server.off('error', reject);
        startup.listeningPort = (startup.server.address() as AddressInfo).port;
        resolve();
      });
    });
    return startup;
  }

  /** The port it listens on (the configured one, or the one the system chose for port 0). */
  get port(): number {
    return this.listeningPort;
  }

  report(check: string, waiting: string | undefined): void {
    this.waiting.set(check, waiting ?? 'ok');
  }

  /** Stops listening and cuts open connections, so the full server can take the port at once. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
