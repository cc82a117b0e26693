/**
 * The safety screen's cost per message: `--messages` (20,000) messages generated from templates of everyday
 * requests, calm talk that shares the danger words, and emergencies (not corpus sentences), each screened once
 * after a warm-up. Reports the mean and p99 time per message. Target: <= 0.2 ms per message.
 */
import { screenMessage } from '../src/agent/safety/screen.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const arg = (args: string[], name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

const NAMES = ['Rosa', 'the Swan', 'Olive Garden', 'the Anchor', 'Curl Up & Dye'];
const TEMPLATES = [
  (i: number) => `remind me to water the plants tomorrow at ${1 + (i % 11)}pm`,
  (i: number) => `can you book a table at ${NAMES[i % NAMES.length]} for ${2 + (i % 5)} on friday at 7`,
  () => 'what do I have tomorrow?',
  () => 'I took my pills this morning',
  (i: number) => `add vitamin D ${500 + (i % 4) * 250}mg every morning at 9`,
  () => 'tell my daughter I will be late for lunch',
  () => 'I went for a lovely walk by the river and fed the ducks',
  () => 'hello dear, how are you today',
  () => "I fell last winter but I'm fine now, the physio was wonderful",
  () => 'remind me to test the smoke alarm on saturday morning',
  () => "I'm worried I might fall on the ice, should I buy new boots?",
  (i: number) => `${i % 2 ? 'my chest feels really tight' : 'I have fallen in the bathroom and cant get up'}`,
  () => 'I feel a bit off today, not quite right',
  () => 'there is someone trying to get in through the back door, I am scared',
];

export async function run(args: string[]): Promise<BenchResult[]> {
  const messages = arg(args, 'messages', 20_000);
  const texts = Array.from({ length: messages }, (_, i) => `${TEMPLATES[i % TEMPLATES.length]!(i)}${i % 7 === 0 ? ` (${i})` : ''}`);
  for (const text of texts.slice(0, 2000)) screenMessage(text);
  const times: number[] = [];
  const started = performance.now();
  for (const text of texts) {
    const t0 = performance.now();
    screenMessage(text);
    times.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  return [
    { bench: 'safety-screen', metric: `mean time per message (${messages} messages)`, value: total / messages, unit: 'ms', target: '<= 0.2 ms' },
    { bench: 'safety-screen', metric: 'p99 time per message', value: times[Math.floor(times.length * 0.99)]!, unit: 'ms' },
  ];
}
