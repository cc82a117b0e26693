/** `npm start`: the assistant with its HTTP endpoints, sweeps, and the terminal chat (embedded by default). */
import { runAssistant } from './cli/run-assistant.ts';

await runAssistant({ command: 'start', http: true, exitWhenInputEnds: false });
