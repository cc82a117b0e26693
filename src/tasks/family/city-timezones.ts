/**
 * Offline town → timezone lookup for onboarding: the city names inside the IANA zone names the runtime
 * knows (Europe/London, America/New_York: about 400), a small table of other large towns, and countries
 * and regions for when the town is unknown. The npm package `city-timezones` (7,000 towns) would replace
 * the town table; this file is its seam.
 */

import { IANAZone } from 'luxon';

const IANA_AREAS = /^(?:Europe|America|Asia|Africa|Australia|Pacific|Atlantic|Indian)\//;

/** Large towns that are not themselves in a zone name. */
const TOWNS: Record<string, string> = {
  // United Kingdom and Ireland
  manchester: 'Europe/London', birmingham: 'Europe/London', leeds: 'Europe/London', liverpool: 'Europe/London',
  bristol: 'Europe/London', sheffield: 'Europe/London', newcastle: 'Europe/London', nottingham: 'Europe/London',
  leicester: 'Europe/London', brighton: 'Europe/London', southampton: 'Europe/London', portsmouth: 'Europe/London',
  plymouth: 'Europe/London', oxford: 'Europe/London', cambridge: 'Europe/London', york: 'Europe/London', bath: 'Europe/London',
  norwich: 'Europe/London', exeter: 'Europe/London', coventry: 'Europe/London', reading: 'Europe/London', hull: 'Europe/London',
  bradford: 'Europe/London', derby: 'Europe/London', stoke: 'Europe/London', bournemouth: 'Europe/London', cheltenham: 'Europe/London',
  edinburgh: 'Europe/London', glasgow: 'Europe/London', aberdeen: 'Europe/London', dundee: 'Europe/London', inverness: 'Europe/London',
  cardiff: 'Europe/London', swansea: 'Europe/London', belfast: 'Europe/London', derry: 'Europe/London',
  cork: 'Europe/Dublin', galway: 'Europe/Dublin', limerick: 'Europe/Dublin', waterford: 'Europe/Dublin',
  // Europe
  munich: 'Europe/Berlin', hamburg: 'Europe/Berlin', frankfurt: 'Europe/Berlin', cologne: 'Europe/Berlin', stuttgart: 'Europe/Berlin',
  dusseldorf: 'Europe/Berlin', milan: 'Europe/Rome', naples: 'Europe/Rome', florence: 'Europe/Rome', venice: 'Europe/Rome', turin: 'Europe/Rome',
  barcelona: 'Europe/Madrid', seville: 'Europe/Madrid', valencia: 'Europe/Madrid', malaga: 'Europe/Madrid', alicante: 'Europe/Madrid',
  lyon: 'Europe/Paris', marseille: 'Europe/Paris', nice: 'Europe/Paris', bordeaux: 'Europe/Paris', toulouse: 'Europe/Paris',
  porto: 'Europe/Lisbon', faro: 'Europe/Lisbon', geneva: 'Europe/Zurich', basel: 'Europe/Zurich', bern: 'Europe/Zurich',
  rotterdam: 'Europe/Amsterdam', 'the hague': 'Europe/Amsterdam', antwerp: 'Europe/Brussels', krakow: 'Europe/Warsaw', gdansk: 'Europe/Warsaw',
  gothenburg: 'Europe/Stockholm', bergen: 'Europe/Oslo', salzburg: 'Europe/Vienna', thessaloniki: 'Europe/Athens', kyiv: 'Europe/Kyiv',
  // Americas
  'san francisco': 'America/Los_Angeles', seattle: 'America/Los_Angeles', 'san diego': 'America/Los_Angeles', portland: 'America/Los_Angeles',
  'las vegas': 'America/Los_Angeles', houston: 'America/Chicago', dallas: 'America/Chicago', austin: 'America/Chicago',
  'san antonio': 'America/Chicago', minneapolis: 'America/Chicago', 'new orleans': 'America/Chicago', 'st louis': 'America/Chicago',
  boston: 'America/New_York', washington: 'America/New_York', philadelphia: 'America/New_York', miami: 'America/New_York',
  atlanta: 'America/New_York', orlando: 'America/New_York', pittsburgh: 'America/New_York', baltimore: 'America/New_York',
  charlotte: 'America/New_York', tampa: 'America/New_York', cleveland: 'America/New_York',
  'salt lake city': 'America/Denver', albuquerque: 'America/Denver', tucson: 'America/Phoenix', montreal: 'America/Toronto',
  ottawa: 'America/Toronto', quebec: 'America/Toronto', calgary: 'America/Edmonton', 'rio de janeiro': 'America/Sao_Paulo',
  // Asia, Africa, Oceania
  delhi: 'Asia/Kolkata', 'new delhi': 'Asia/Kolkata', mumbai: 'Asia/Kolkata', bombay: 'Asia/Kolkata', bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata', kolkata: 'Asia/Kolkata', chennai: 'Asia/Kolkata', madras: 'Asia/Kolkata', hyderabad: 'Asia/Kolkata', calcutta: 'Asia/Kolkata',
  pune: 'Asia/Kolkata', lahore: 'Asia/Karachi', islamabad: 'Asia/Karachi', beijing: 'Asia/Shanghai', guangzhou: 'Asia/Shanghai',
  osaka: 'Asia/Tokyo', kyoto: 'Asia/Tokyo', 'abu dhabi': 'Asia/Dubai', 'cape town': 'Africa/Johannesburg', durban: 'Africa/Johannesburg',
  canberra: 'Australia/Sydney', 'gold coast': 'Australia/Brisbane', wellington: 'Pacific/Auckland', christchurch: 'Pacific/Auckland',
};

/** Countries and regions, for when the town is unknown: one zone, or the zones to choose from. */
const REGIONS: Record<string, string[]> = {
  'united kingdom': ['Europe/London'], uk: ['Europe/London'], 'great britain': ['Europe/London'], britain: ['Europe/London'],
  england: ['Europe/London'], scotland: ['Europe/London'], wales: ['Europe/London'], 'northern ireland': ['Europe/London'],
  ireland: ['Europe/Dublin'], france: ['Europe/Paris'], germany: ['Europe/Berlin'], spain: ['Europe/Madrid', 'Atlantic/Canary'],
  italy: ['Europe/Rome'], portugal: ['Europe/Lisbon', 'Atlantic/Azores'], netherlands: ['Europe/Amsterdam'], holland: ['Europe/Amsterdam'],
  belgium: ['Europe/Brussels'], switzerland: ['Europe/Zurich'], austria: ['Europe/Vienna'], poland: ['Europe/Warsaw'],
  sweden: ['Europe/Stockholm'], norway: ['Europe/Oslo'], denmark: ['Europe/Copenhagen'], finland: ['Europe/Helsinki'],
  greece: ['Europe/Athens'], cyprus: ['Asia/Nicosia'], malta: ['Europe/Malta'], 'czech republic': ['Europe/Prague'], hungary: ['Europe/Budapest'],
  romania: ['Europe/Bucharest'], bulgaria: ['Europe/Sofia'], croatia: ['Europe/Zagreb'], turkey: ['Europe/Istanbul'], ukraine: ['Europe/Kyiv'],
  india: ['Asia/Kolkata'], pakistan: ['Asia/Karachi'], bangladesh: ['Asia/Dhaka'], 'sri lanka': ['Asia/Colombo'], china: ['Asia/Shanghai'],
  japan: ['Asia/Tokyo'], philippines: ['Asia/Manila'], singapore: ['Asia/Singapore'], 'hong kong': ['Asia/Hong_Kong'], israel: ['Asia/Jerusalem'],
  'south africa': ['Africa/Johannesburg'], nigeria: ['Africa/Lagos'], kenya: ['Africa/Nairobi'], egypt: ['Africa/Cairo'], jamaica: ['America/Jamaica'],
  'new zealand': ['Pacific/Auckland'],
  'united states': ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  usa: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  america: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  canada: ['America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver'],
  australia: ['Australia/Sydney', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth', 'Australia/Hobart'],
  california: ['America/Los_Angeles'], texas: ['America/Chicago'], florida: ['America/New_York'], 'new york state': ['America/New_York'],
  arizona: ['America/Phoenix'], hawaii: ['Pacific/Honolulu'], alaska: ['America/Anchorage'], ontario: ['America/Toronto'],
  'british columbia': ['America/Vancouver'], alberta: ['America/Edmonton'], 'new south wales': ['Australia/Sydney'],
  victoria: ['Australia/Melbourne'], queensland: ['Australia/Brisbane'], 'western australia': ['Australia/Perth'],
};

const LEAD_IN = /^\s*(?:i\s+(?:live|am|'m|m)\s+(?:in|near|at|from)|i'm\s+in|im\s+in|in|near|just outside|outside|from|it's|its|the city of)\s+/i;

/** The town as the elder wrote it, without "I live in …" and the full stop: "Manchester". */
export function townName(text: string): string {
  return text.replace(LEAD_IN, '').replace(/[.!]+\s*$/, '').trim();
}

/** Lowercase, accents and punctuation gone, "I live in …" and a trailing ", UK" dropped. */
export function normalisePlace(text: string): string {
  return townName(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\s,'-]/gu, ' ')
    .replace(/-/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

let zoneTowns: Map<string, string> | undefined;
const townsInZoneNames = (): Map<string, string> => {
  if (!zoneTowns) {
    zoneTowns = new Map();
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      if (!IANA_AREAS.test(zone)) continue;
      zoneTowns.set(zone.split('/').at(-1)!.replace(/_/g, ' ').toLowerCase(), zone);
    }
  }
  return zoneTowns;
};

/** The timezone of a town the elder typed, or null when it is not known. */
export function timezoneForTown(text: string): string | null {
  const place = normalisePlace(text);
  for (const candidate of [place, place.split(',')[0]!.trim()]) {
    const zone = TOWNS[candidate] ?? townsInZoneNames().get(candidate);
    if (zone) return zone;
  }
  return null;
}

/** The zones of a country or region, or of a town or IANA name typed instead; empty when unknown. */
export function timezonesForRegion(text: string): string[] {
  const trimmed = text.trim();
  if (/^[A-Za-z]+\/[A-Za-z_/-]+$/.test(trimmed) && IANAZone.isValidZone(trimmed)) return [trimmed];
  const place = normalisePlace(text).replace(/^the\s+/, '');
  const region = REGIONS[place] ?? REGIONS[place.split(',').at(-1)!.trim()];
  if (region) return region;
  const town = timezoneForTown(text);
  return town ? [town] : [];
}

/** "London" for Europe/London, "New York" for America/New_York: how a zone is said to the elder. */
export function placeOfZone(zone: string): string {
  return zone.split('/').at(-1)!.replace(/_/g, ' ');
}
