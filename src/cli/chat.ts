/** `npm run chat`: talk to the assistant as one elder from the terminal; works with piped input too. */
import { runAssistant } from './run-assistant.ts';

await runAssistant({ command: 'chat', http: false, exitWhenInputEnds: true });
