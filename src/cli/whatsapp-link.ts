/**
 * `npm run whatsapp:link [-- --phone +447700900123]`: links the assistant's WhatsApp account to this deployment.
 * Shows a QR code to scan (or, with --phone, a pairing code to type on the phone), keeps the credentials in the
 * database, and exits once WhatsApp has accepted the link. Run it while the assistant is stopped.
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import qrcode from 'qrcode-terminal';
import { loadConfigOrExit } from '../config.ts';
import { databaseTarget } from '../app.ts';
import { openDatabase } from '../db/orm.ts';
import { createLogger } from '../lib/logger.ts';
import { WhatsAppChannel, type WhatsAppLinking, type WhatsAppStatus } from '../bots/whatsapp/whatsapp-channel.ts';
import { baileysSocketFactory } from '../bots/whatsapp/create-whatsapp-channel.ts';
import { secretsOfConfig } from '../lib/log-masking.ts';

// After the link opens, the phone sends the first keys and contacts; a short wait lets them be saved.
const FIRST_SYNC_MS = 5000;

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function readPhone(): string | undefined {
  try {
    return parseArgs({ options: { phone: { type: 'string' } } }).values.phone;
  } catch (err) {
    return fail(`${err instanceof Error ? err.message : String(err)}. Usage: npm run whatsapp:link [-- --phone +447700900123]`);
  }
}
const phone = readPhone()?.replace(/[\s()+.-]/g, '');
if (phone !== undefined && !/^\d{7,15}$/.test(phone)) fail('--phone expects the account’s number in international form, e.g. --phone +447700900123');

const config = loadConfigOrExit();
const session = config.WHATSAPP_SESSION;
const logger = createLogger(config.LOG_LEVEL, undefined, { secrets: secretsOfConfig(config) });
const orm = await openDatabase(databaseTarget(config));
const out = (line: string): void => void process.stdout.write(`${line}\n`);

let shown = false;
const linking: WhatsAppLinking = phone
  ? {
      phone,
      onPairingCode: (code) => {
        shown = true;
        out(`\nPairing code: ${code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code}`);
        out('On the phone: WhatsApp > Settings > Linked devices > Link a device > Link with phone number instead, then type the code.');
      },
    }
  : {
      onQr: (qr) => {
        shown = true;
        out('\nOn the phone: WhatsApp > Settings > Linked devices > Link a device, then scan this code (it changes every 20 seconds):');
        qrcode.generate(qr, { small: true });
      },
    };

let settle: (status: WhatsAppStatus) => void = () => undefined;
const channel = new WhatsAppChannel({
  socketFactory: baileysSocketFactory({ orm, session, logger }),
  logger,
  session,
  linking,
  onStatus: (status) => {
    if (status !== 'reconnecting') settle(status);
  },
});
const finish = async (code: number, line: string): Promise<never> => {
  await channel.stop();
  await orm.close();
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  process.exit(code);
};
process.once('SIGINT', () => void finish(130, 'Linking cancelled; nothing was changed on the phone.'));

// A session logged out from the phone is cleared by the channel; the second round links it afresh.
let status: WhatsAppStatus = 'logged-out';
for (let round = 0; round < 2 && status === 'logged-out'; round++) {
  const outcome = new Promise<WhatsAppStatus>((resolve) => (settle = resolve));
  await channel.start(async () => undefined);
  status = await outcome;
}

if (status !== 'open') {
  await finish(1, status === 'replaced' ? `WhatsApp session "${session}" is in use by a running assistant: stop it, then link again.` : `WhatsApp session "${session}" was not linked (${status}).`);
}
if (shown) {
  out('Linked. Saving the first keys from the phone...');
  await sleep(FIRST_SYNC_MS);
}
const account = channel.account?.split(/[:@]/)[0];
await finish(0, `WhatsApp session "${session}" is linked${account ? ` to +${account}` : ''}. Start the assistant with WHATSAPP_ENABLED=true.`);
