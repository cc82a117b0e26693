import { describe, it, expect, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createTerminalLogger, readableLogLine } from '../../src/lib/logger.ts';
import { isQuietTerminal } from '../../src/cli/run-assistant.ts';
import { startAssistantProcess, until } from '../support/assistant-process.ts';

/** A private SQLite file and log file for one chat, removed after the tests. */
const files: string[] = [];
function chatFiles(): { SQLITE_PATH: string; LOG_FILE: string } {
  const id = randomUUID().slice(0, 8);
  const paths = { SQLITE_PATH: join(tmpdir(), `grandma-chat-${id}.db`), LOG_FILE: join(tmpdir(), `grandma-chat-${id}`, 'assistant.log') };
  files.push(paths.SQLITE_PATH, `${paths.SQLITE_PATH}-wal`, `${paths.SQLITE_PATH}-shm`, join(tmpdir(), `grandma-chat-${id}`));
  return paths;
}
afterAll(() => {
  for (const file of files) rmSync(file, { recursive: true, force: true });
});

/** The JSON lines of a log file. */
const logFileLines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A line of the conversation (what the elder typed, what the assistant said, its buttons), not a log line. */
const isConversation = (line: string): boolean => !line.trimStart().startsWith('{') && !line.includes('"level":');

describe('the terminal chat keeps the screen for the conversation', () => {
  it('`npm run chat` with piped input prints only the conversation, and logs to the log file', async () => {
    const paths = chatFiles();
    const chat = startAssistantProcess('src/cli/chat.ts', { ...paths, LOG_LEVEL: 'info' }, { stdin: 'pipe' });
    chat.child.stdin?.end('remind me to call Sarah tomorrow at 5pm\nyes\n');
    expect(await chat.exited).toEqual({ code: 0, signal: null });

    const lines = chat.stdout().trimEnd().split('\n');
    expect(lines[0]).toBe('You: remind me to call Sarah tomorrow at 5pm');
    expect(lines).toContain('You: yes');
    expect(lines.filter((l) => l.startsWith('Assistant: '))).toHaveLength(2);
    expect(lines.every(isConversation)).toBe(true);
    expect(chat.stdout()).not.toContain('"level"');
    expect(chat.stderr()).toBe('');
    expect(logFileLines(paths.LOG_FILE).map((l) => l['msg'])).toEqual(expect.arrayContaining(['assistant started', 'task succeeded', 'assistant stopped']));
  }, 120_000);

  it('`npm start` with piped input is a server: JSON logs on stderr, only the conversation on stdout', async () => {
    const paths = chatFiles();
    const start = startAssistantProcess('src/main.ts', { ...paths, LOG_LEVEL: 'info', HTTP_PORT: '0' }, { stdin: 'pipe' });
    try {
      start.child.stdin?.end('remind me to call Sarah tomorrow at 5pm\n');
      await until('the read-back', () => start.stdout().includes('[1] Yes'), 90_000);
      expect(start.stdout().trimEnd().split('\n').every(isConversation)).toBe(true);
      expect(start.logLines().map((l) => l['msg'])).toContain('assistant started');
      expect(existsSync(paths.LOG_FILE)).toBe(false);
    } finally {
      await start.stop();
    }
  }, 120_000);

  // util-linux `script` gives the process a terminal; without it this test is reported skipped.
  (existsSync('/usr/bin/script') ? it : it.skip)('`npm start` at a terminal shows only the conversation and logs to the log file', async () => {
    const paths = chatFiles();
    // stdin, stdout and stderr on one pseudo-terminal: what a person at the terminal sees.
    const child = spawn('script', ['-qfec', `exec ${process.execPath} src/main.ts`, '/dev/null'], {
      env: { ...process.env, ...paths, LOG_LEVEL: 'info', HTTP_PORT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (c: Buffer) => (screen += c.toString('utf8')));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until('the prompt', () => screen.includes('Type a message for the assistant'), 90_000);
      child.stdin.write('remind me to call Sarah tomorrow at 5pm\r');
      await until('the read-back', () => screen.includes('[1] Yes'), 60_000);
      const shown = screen.replace(/\r/g, '').split('\n');
      expect(shown.filter((l) => l.includes('"level"'))).toEqual([]);
      expect(shown.some((l) => l.startsWith('Assistant: '))).toBe(true);
      expect(logFileLines(paths.LOG_FILE).map((l) => l['msg'])).toContain('assistant started');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 150_000);
});

describe('deciding where logs go', () => {
  const noChannels = { TELEGRAM_BOT_TOKEN: undefined, WHATSAPP_ENABLED: 'false' as const };

  it('keeps the screen for the conversation in `npm run chat`, piped or not', () => {
    expect(isQuietTerminal('chat', noChannels, false)).toBe(true);
    expect(isQuietTerminal('chat', noChannels, true)).toBe(true);
  });

  it('keeps it in `npm start` only at a terminal with no other channel', () => {
    expect(isQuietTerminal('start', noChannels, true)).toBe(true);
    expect(isQuietTerminal('start', noChannels, false)).toBe(false);
    expect(isQuietTerminal('start', { ...noChannels, TELEGRAM_BOT_TOKEN: '123:abc' }, true)).toBe(false);
    expect(isQuietTerminal('start', { ...noChannels, WHATSAPP_ENABLED: 'true' }, true)).toBe(false);
  });
});

describe('the terminal logger', () => {
  it('writes every line to the file as JSON and warnings also to the screen as one readable line, masked', () => {
    const dir = join(tmpdir(), `grandma-log-${randomUUID().slice(0, 8)}`);
    files.push(dir);
    const file = join(dir, 'assistant.log');
    let screen = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        screen += chunk.toString('utf8');
        done();
      },
    });
    const logger = createTerminalLogger('info', file, { secrets: ['s3cret-pass'], screen: sink });
    logger.info({ taskId: 't1' }, 'task succeeded');
    logger.warn({ service: 'database', attempt: 2, reason: 'password s3cret-pass refused' }, 'database is not reachable yet; retrying');
    expect(logFileLines(file).map((l) => [l['level'], l['msg']])).toEqual([
      [30, 'task succeeded'],
      [40, 'database is not reachable yet; retrying'],
    ]);
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-pass');
    expect(screen).toMatch(/^\d\d:\d\d:\d\d WARN database is not reachable yet; retrying \(service=database attempt=2 reason=password \*\*\* refused\)\n$/);
  });

  it('leaves a line that is not JSON as it is', () => {
    expect(readableLogLine('plain words')).toBe('plain words\n');
  });
});
