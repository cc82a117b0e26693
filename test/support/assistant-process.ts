import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real assistant process (`npm start`, `npm run worker`, `npm run migrate`…) started by a test, with its output. */
export interface AssistantProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines it wrote to stderr (other lines skipped). */
  logLines(): Record<string, unknown>[];
  /** Sends SIGTERM (SIGKILL after `graceMs`) and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

// Processes of one test run share V8's compile cache, so the tenth start of the same sources is cheaper.
const COMPILE_CACHE = join(tmpdir(), 'grandma-test-compile-cache');

/** Starts `node <script>` from the repository root with the test's environment on top of this one. */
export function startAssistantProcess(script: string, env: Record<string, string>, options: { stdin?: 'ignore' | 'pipe' } = {}): AssistantProcess {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE, ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What /readyz answered, or the network error's message when nothing listens. */
export async function readiness(port: number): Promise<{ status: number; body: { status?: string; checks?: Record<string, string> } } | { error: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: (await res.json()) as { status?: string; checks?: Record<string, string> } };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The status of /healthz, or undefined when nothing listens. */
export async function liveness(port: number): Promise<number | undefined> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return undefined;
  }
}

/** Polls until `check` holds (100 ms apart), or throws naming what it waited for. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve(check()).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether /readyz answers 200. */
export async function isReady(port: number): Promise<boolean> {
  const r = await readiness(port);
  return 'status' in r && r.status === 200;
}
