/**
 * Where to turn in an emergency, by the elder's country: the emergency number and a listening helpline for
 * someone in despair. The country comes from her timezone (Europe/London is the United Kingdom), or from her
 * locale's region when the timezone says nothing (UTC). Numbers as the national services publish them.
 */

/** The kinds of danger the safety screen tells apart; the alert's wording follows them. */
export const SAFETY_CATEGORIES = ['stroke', 'heart', 'breathing', 'faint', 'fall', 'sugar', 'injury', 'medicine', 'home', 'lost', 'despair', 'help', 'unwell'] as const;
/** A kind of danger. */
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

/** A listening service for someone who feels they cannot go on. */
export interface Helpline {
  name: string;
  number: string;
}

/** What the elder can call where she lives. */
export interface LocalHelp {
  /** ISO 3166 code, or null when the country is not known. */
  country: string | null;
  emergencyNumber: string;
  helpline: Helpline | null;
}

interface CountryHelp {
  emergency: string;
  helpline?: Helpline;
}

const SAMARITANS: Helpline = { name: 'Samaritans', number: '116 123' };
const LIFELINE_988: Helpline = { name: 'the 988 Lifeline', number: '988' };

/** Emergency numbers and helplines by country. */
const COUNTRIES: Record<string, CountryHelp> = {
  GB: { emergency: '999', helpline: SAMARITANS },
  IE: { emergency: '999', helpline: SAMARITANS },
  US: { emergency: '911', helpline: LIFELINE_988 },
  CA: { emergency: '911', helpline: LIFELINE_988 },
  MX: { emergency: '911' },
  AU: { emergency: '000', helpline: { name: 'Lifeline', number: '13 11 14' } },
  NZ: { emergency: '111', helpline: { name: 'Need to Talk', number: '1737' } },
  IN: { emergency: '112', helpline: { name: 'Tele-MANAS', number: '14416' } },
  FR: { emergency: '112', helpline: { name: 'the 3114 line', number: '3114' } },
  DE: { emergency: '112', helpline: { name: 'TelefonSeelsorge', number: '0800 111 0 111' } },
  AT: { emergency: '112', helpline: { name: 'TelefonSeelsorge', number: '142' } },
  CH: { emergency: '144', helpline: { name: 'Die Dargebotene Hand', number: '143' } },
  NL: { emergency: '112', helpline: { name: '113 Zelfmoordpreventie', number: '0800 0113' } },
  ES: { emergency: '112', helpline: { name: 'the 024 line', number: '024' } },
  ZA: { emergency: '112' },
  JP: { emergency: '119' },
  SG: { emergency: '995' },
  HK: { emergency: '999' },
  MY: { emergency: '999' },
  PH: { emergency: '911' },
  BR: { emergency: '192' },
  IL: { emergency: '101' },
};

/** Countries of the European emergency number, by their capital's zone. */
const EU_112 = [
  'Paris', 'Berlin', 'Madrid', 'Rome', 'Amsterdam', 'Brussels', 'Vienna', 'Lisbon', 'Stockholm', 'Copenhagen', 'Oslo', 'Helsinki', 'Warsaw',
  'Prague', 'Budapest', 'Athens', 'Luxembourg', 'Bucharest', 'Sofia', 'Zagreb', 'Ljubljana', 'Bratislava', 'Vilnius', 'Riga', 'Tallinn',
  'Malta', 'Nicosia', 'Monaco', 'Andorra', 'Reykjavik', 'Belgrade', 'Kiev', 'Kyiv', 'Madeira', 'Canary', 'Busingen', 'Vaduz', 'San_Marino', 'Vatican',
];
const ZONE_COUNTRY: Record<string, string> = {
  'Europe/London': 'GB', 'Europe/Belfast': 'GB', 'Europe/Guernsey': 'GB', 'Europe/Jersey': 'GB', 'Europe/Isle_of_Man': 'GB', 'GB': 'GB',
  'Europe/Dublin': 'IE', 'Eire': 'IE', 'Europe/Paris': 'FR', 'Europe/Berlin': 'DE', 'Europe/Vienna': 'AT', 'Europe/Zurich': 'CH',
  'Europe/Amsterdam': 'NL', 'Europe/Madrid': 'ES', 'Atlantic/Canary': 'ES', 'Africa/Ceuta': 'ES', 'Pacific/Auckland': 'NZ', 'Pacific/Chatham': 'NZ',
  'NZ': 'NZ', 'Asia/Kolkata': 'IN', 'Asia/Calcutta': 'IN', 'Africa/Johannesburg': 'ZA', 'Asia/Tokyo': 'JP', 'Japan': 'JP', 'Asia/Singapore': 'SG',
  'Asia/Hong_Kong': 'HK', 'Asia/Kuala_Lumpur': 'MY', 'Asia/Manila': 'PH', 'Asia/Jerusalem': 'IL', 'Asia/Tel_Aviv': 'IL', 'Pacific/Honolulu': 'US',
  'America/Sao_Paulo': 'BR', 'America/Fortaleza': 'BR', 'America/Recife': 'BR', 'America/Bahia': 'BR', 'America/Manaus': 'BR', 'America/Belem': 'BR',
};
const CANADA = /^America\/(?:Toronto|Vancouver|Edmonton|Winnipeg|Halifax|St_Johns|Regina|Moncton|Whitehorse|Yellowknife|Iqaluit|Glace_Bay|Goose_Bay|Swift_Current|Dawson_Creek|Fort_Nelson|Cambridge_Bay|Rankin_Inlet|Resolute|Atikokan|Creston|Dawson|Inuvik|Thunder_Bay|Nipigon|Rainy_River|Montreal)$|^Canada\//;
const MEXICO = /^America\/(?:Mexico_City|Cancun|Merida|Monterrey|Matamoros|Chihuahua|Hermosillo|Mazatlan|Tijuana|Bahia_Banderas|Ojinaga|Ciudad_Juarez)$|^Mexico\//;
const USA = /^America\/(?:New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Adak|Detroit|Boise|Juneau|Sitka|Nome|Yakutat|Metlakatla|Menominee|Indiana\/.+|Kentucky\/.+|North_Dakota\/.+|Indianapolis|Louisville)$|^US\//;

/** The country of an IANA timezone, when the table knows it. */
export function countryOfTimezone(timezone: string): string | null {
  const known = ZONE_COUNTRY[timezone];
  if (known) return known;
  if (timezone.startsWith('Australia/')) return 'AU';
  if (CANADA.test(timezone)) return 'CA';
  if (MEXICO.test(timezone)) return 'MX';
  if (USA.test(timezone)) return 'US';
  if (/^America\/Argentina\//.test(timezone)) return 'AR';
  const city = timezone.split('/').at(-1) ?? '';
  if ((timezone.startsWith('Europe/') || timezone.startsWith('Atlantic/')) && EU_112.includes(city)) return 'EU';
  return null;
}

/** The emergency number and helpline for an elder's timezone, falling back on her locale's region (en-GB → GB). */
export function localHelp(timezone: string, locale = ''): LocalHelp {
  const region = /^[a-z]{2,3}[-_]([A-Z]{2})\b/i.exec(locale)?.[1]?.toUpperCase() ?? null;
  const country = countryOfTimezone(timezone) ?? (/^(?:UTC|Etc\/|GMT)/.test(timezone) || !timezone ? region : null);
  const known = country ? COUNTRIES[country] : undefined;
  if (country === 'AR') return { country, emergencyNumber: '107', helpline: null };
  return { country, emergencyNumber: known?.emergency ?? '112', helpline: known?.helpline ?? null };
}

/** The number to call for help where the elder lives; 112 reaches the emergency services from most mobiles elsewhere. */
export function emergencyNumber(timezone: string, locale = ''): string {
  return localHelp(timezone, locale).emergencyNumber;
}
