import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to one chat-completions request. */
export type ScriptedReply =
  /** A tool call; `args` as an object is sent as JSON, as a string it is sent verbatim (to send broken JSON). */
  | { kind: 'tool_call'; name: string; args: Record<string, unknown> | string }
  | { kind: 'text'; content: string }
  /** An HTTP error status with an OpenAI-style error body. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  /** Accepts the request and never answers (a server that hangs). */
  | { kind: 'hang' };

/** A request the fake received, as the model client sent it. */
export interface RecordedRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  temperature?: number;
}

/** A loopback server speaking the OpenAI chat-completions protocol, answering from a script. */
export interface FakeOpenAIServer {
  /** Base URL to configure as OPENAI_BASE_URL (ends in /v1). */
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const completion = (reply: Extract<ScriptedReply, { kind: 'tool_call' | 'text' }>, n: number) => ({
  id: `chatcmpl-fake-${n}`,
  object: 'chat.completion',
  created: 1_780_000_000,
  model: 'fake-model',
  choices: [
    {
      index: 0,
      finish_reason: reply.kind === 'tool_call' ? 'tool_calls' : 'stop',
      message:
        reply.kind === 'tool_call'
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: `call_fake_${n}`,
                  type: 'function',
                  function: { name: reply.name, arguments: typeof reply.args === 'string' ? reply.args : JSON.stringify(reply.args) },
                },
              ],
            }
          : { role: 'assistant', content: reply.content },
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/**
 * Starts the fake on 127.0.0.1 on a free port. Each POST /v1/chat/completions takes the next scripted reply;
 * when the script runs out it answers 500 so a test that calls more than it expected fails loudly.
 */
export async function startFakeOpenAIServer(script: ScriptedReply[]): Promise<FakeOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
        return;
      }
      const body = JSON.parse(await readBody(req)) as RecordedRequest;
      requests.push(body);
      const reply = script[requests.length - 1];
      if (!reply) {
        sendJson(res, 500, { error: { message: 'script exhausted', type: 'server_error' } });
        return;
      }
      if (reply.kind === 'hang') return;
      if (reply.kind === 'status') {
        const type = reply.status === 429 ? 'rate_limit_exceeded' : 'server_error';
        sendJson(res, reply.status, { error: { message: reply.message ?? `status ${reply.status}`, type, code: type } }, reply.headers);
        return;
      }
      sendJson(res, 200, completion(reply, requests.length));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL on which nothing listens (a server that is down): the port of a server just closed. */
export async function downServerBaseURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
