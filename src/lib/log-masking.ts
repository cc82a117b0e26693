/**
 * Masks secrets in text bound for the logs, by value: the configured secrets themselves, and the shapes of
 * secrets the app never configured but still handles (other people's invite codes, phone numbers, tokens in
 * URLs that a library put in an error message). The logger runs every line through one masker, so a secret
 * stays out of the logs whichever key, message or stack trace carries it.
 */

/** What a masked value is replaced with. */
export const MASK = '***';

/** Configured secrets shorter than this are masked by key only: masking a short value everywhere would garble the logs. */
export const MIN_SECRET_LENGTH = 6;

/** The settings whose whole value is a secret. */
export const SECRET_SETTINGS = ['OPENAI_API_KEY', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'INVITE_CODE_PEPPER', 'PARTNER_API_KEY', 'PARTNER_WEBHOOK_SECRET', 'FAMILY_VIEW_SECRET'] as const;
/** The settings that are URLs whose password is a secret. */
export const SECRET_URL_SETTINGS = ['DATABASE_URL', 'REDIS_URL'] as const;

type SecretSettings = Partial<Record<(typeof SECRET_SETTINGS)[number] | (typeof SECRET_URL_SETTINGS)[number], string | undefined>>;

/** The secret values of a configuration (whole secrets, and the passwords of the database and Redis URLs), for the logger. */
export function secretsOfConfig(config: SecretSettings): string[] {
  const secrets: string[] = [];
  for (const key of SECRET_SETTINGS) {
    const value = config[key];
    if (value) secrets.push(value);
  }
  for (const key of SECRET_URL_SETTINGS) {
    const value = config[key];
    if (!value || !URL.canParse(value)) continue;
    const password = new URL(value).password;
    if (password) secrets.push(password, safeDecode(password));
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A phone number's digits shown as the first `keep` and the last two, the rest as stars ("+44*******23"). */
function maskDigits(digits: string, keep: number): string {
  return digits.slice(0, keep) + '*'.repeat(Math.max(digits.length - keep - 2, 1)) + digits.slice(-2);
}

// The symbols of an invite code (src/tasks/family/invite-codes.ts INVITE_ALPHABET): no 0, 1, I, L, O or U.
const SYMBOL = '[2-9A-HJKMNP-TV-Z]';

/**
 * A pattern rule: a global regex, what a match becomes, and a cheap test on the line (and its lower-case
 * copy) that must pass before the regex runs, so a line without the rule's telltale characters costs an
 * `includes`, not a regex scan.
 */
interface Rule {
  gate: (line: string, lower: string) => boolean;
  pattern: RegExp;
  replacement: string | ((match: string, ...groups: string[]) => string);
}

const TELEGRAM_TOKEN_HINT = /\d:[A-Za-z0-9_-]{30}/;
const NATIONAL_PHONE_HINT = /(?:^|[^\w+.-])0\d\d/;

/** Pattern rules, applied in order. */
const RULES: readonly Rule[] = [
  // Telegram bot tokens ("123456789:AAH…"), also inside Bot API URLs (".../bot123456789:AAH…/getUpdates"). The
  // bot id before the colon is public; the part after it is the secret.
  { gate: (line) => TELEGRAM_TOKEN_HINT.test(line), pattern: /(\d{6,12}):[A-Za-z0-9_-]{30,}/g, replacement: `$1:${MASK}` },
  // OpenAI-style API keys.
  { gate: (line) => line.includes('sk-'), pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replacement: `sk-${MASK}` },
  // Authorization header values.
  { gate: (_line, lower) => lower.includes('bearer') || lower.includes('basic'), pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, replacement: `$1 ${MASK}` },
  // The family view's signed links ("…/family/#link=fv1.<claims>.<mac>") and Telegram's initData in its header ("tma …").
  { gate: (line) => line.includes('fv1.'), pattern: /\bfv1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, replacement: `fv1.${MASK}` },
  { gate: (line) => line.includes('tma ') || line.includes('tgWebAppData'), pattern: /\b(tma |tgWebAppData=)[^\s"\\]{16,}/g, replacement: `$1${MASK}` },
  // Passwords in URLs ("postgresql://app:secret@db", "redis://:secret@cache").
  { gate: (line) => line.includes('@') && line.includes('://'), pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"\\]*):([^\s@/"\\]+)@/gi, replacement: `$1$2:${MASK}@` },
  // Whatever follows a command that carries an invite code ("/join K7M-Q2X-PRT", "/link …", "/start <deep link>").
  {
    gate: (_line, lower) => lower.includes('/join') || lower.includes('/link') || lower.includes('/start'),
    pattern: /(\/(?:join|link|start)(?:@[A-Za-z0-9_]+)?)[ \t]+[^\s"\\][^"\\\n\r]*/gi,
    replacement: `$1 ${MASK}`,
  },
  // Invite codes as shown ("FAMILY-K7M-Q2X-PRT"), and their random part alone ("K7M-Q2X-PRT").
  {
    gate: (_line, lower) => lower.includes('family') || lower.includes('care'),
    pattern: new RegExp(`\\b(FAMILY|CAREGIVER|CARER)[ -]?${SYMBOL}{3}[ -]?${SYMBOL}{3}[ -]?${SYMBOL}{3}\\b`, 'gi'),
    replacement: `$1-${MASK}`,
  },
  {
    gate: (line) => line.includes('-'),
    pattern: new RegExp(`(^|[^A-Za-z0-9-])${SYMBOL}{3}-${SYMBOL}{3}-${SYMBOL}{3}(?![A-Za-z0-9-])`, 'g'),
    replacement: `$1${MASK}-${MASK}-${MASK}`,
  },
  // WhatsApp ids are phone numbers ("447700900123@s.whatsapp.net", "447700900123:12@…", group "447700900123-1612345678@g.us").
  {
    gate: (line) => line.includes('@'),
    pattern: /(?<![0-9])(\d{5,15})((?::\d+)?)((?:-\d+)?)@(s\.whatsapp\.net|c\.us|g\.us|lid)\b/g,
    replacement: (_m, number: string, device: string, group: string, domain: string) => `${maskDigits(number, 0)}${device}${group ? `-${MASK}` : ''}@${domain}`,
  },
  // International phone numbers ("+44 7700 900123", "+1 (555) 010-9999"): the country code and last two digits stay.
  {
    gate: (line) => line.includes('+'),
    pattern: /\+\d[\d ().-]{6,20}\d/g,
    replacement: (match: string) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 8 && digits.length <= 15 ? `+${maskDigits(digits, 2)}` : match;
    },
  },
  // National phone numbers ("020 7946 0011", "07700 900123").
  {
    gate: (line) => NATIONAL_PHONE_HINT.test(line),
    pattern: /(^|[^\w+.-])(0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4})(?![\w-])/g,
    replacement: (match: string, before: string, number: string) => {
      const digits = number.replace(/\D/g, '');
      return digits.length >= 10 && digits.length <= 11 ? before + maskDigits(digits, 1) : match;
    },
  },
];

/** Masks secrets in strings: the configured values, then the pattern rules. */
export interface SecretMasker {
  (text: string): string;
}

/**
 * Builds the masker for a set of configured secret values (values shorter than MIN_SECRET_LENGTH are
 * ignored). Each value is also matched as it appears inside a JSON string and URL-encoded.
 */
export function createSecretMasker(secrets: readonly (string | null | undefined)[] = []): SecretMasker {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(JSON.stringify(secret).slice(1, -1));
    variants.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is masked whole.
  const values = [...variants].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let masked = text;
    for (const value of values) if (masked.includes(value)) masked = masked.split(value).join(MASK);
    const lower = masked.toLowerCase();
    for (const rule of RULES) {
      if (!rule.gate(masked, lower)) continue;
      const { pattern, replacement } = rule;
      masked = typeof replacement === 'string' ? masked.replace(pattern, replacement) : masked.replace(pattern, replacement);
    }
    return masked;
  };
}
