import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Postgres cluster of the test's own, on a free loopback port, that the test may stop and start at will.
 * Fault tests use it so that stopping the database never touches the machine's shared Postgres.
 */
export interface PrivatePostgres {
  /** Connection URL (database `postgres`, user `postgres`, trust authentication). */
  url: string;
  port: number;
  /** Stops the server the way an operator's restart does (`pg_ctl stop -m fast`: sessions are cut). */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its data directory. */
  destroy(): Promise<void>;
}

/** The directory of the newest installed Postgres server binaries, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR && existsSync(join(process.env.PG_BIN_DIR, 'initdb'))) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user and its commands
 * run through `runuser`; otherwise they run as the current user.
 */
const asOwner = (bin: string, args: string[]): [string, string[]] =>
  userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];

/** Creates and starts a private cluster in a temporary directory. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no Postgres server binaries found (set PG_BIN_DIR to the directory holding initdb and pg_ctl)');
  const dir = mkdtempSync(join(tmpdir(), 'grandma-pg-'));
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = async (args: string[]): Promise<void> => {
    const [cmd, argv] = asOwner(join(bin, 'pg_ctl'), ['-D', data, ...args]);
    await run(cmd, argv, { timeout: 30_000 });
  };
  const [initCmd, initArgs] = asOwner(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  await run(initCmd, initArgs, { timeout: 60_000 });
  // fsync off: the cluster lives for one test; a fast stop still writes a clean checkpoint.
  const start = () => pgCtl(['-w', '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  let running = false;
  await start();
  running = true;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await pgCtl(['-w', '-m', 'fast', 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await pgCtl(['-w', '-m', 'immediate', 'stop']).catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
