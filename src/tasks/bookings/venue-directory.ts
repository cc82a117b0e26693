import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fuse from 'fuse.js';
import { z } from 'zod';
import { sql, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { Venue, PROVIDERS, VENUE_KINDS } from './venue.entity.ts';

type VenueKind = (typeof VENUE_KINDS)[number];

/** What the directory found for a name the elder said. */
export type VenueMatch = { kind: 'found'; venue: Venue } | { kind: 'choose'; venues: Venue[] } | { kind: 'none' };

// Fuse scores run from 0 (exact) to 1; above this nothing is offered ("olive gardn" scores 0.18, while
// "the crown 49b8e6" against "the crown 5fb47d", another place, scores 0.51).
const MATCH_THRESHOLD = 0.3;
// A best match this much better than the next one is taken without asking.
const CLEAR_LEAD = 0.15;
const MAX_CHOICES = 3;

const normalise = (text: string): string => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9]+/g, ' ').trim();

// Words the elder adds that are no part of a name: "the Red Lion pub", "Tony's salon".
const FILLER = /\s+(?:pub|restaurant|cafe|salon|hairdressers?|place)$/;

/** "the barber on King St" → name "the barber", place "king st"; a name alone has no place. */
function splitPlace(said: string): { name: string; place: string | null } {
  const m = /^(.+?)\s+(?:on|in|at|near|by)\s+(.+)$/.exec(normalise(said));
  const name = (m ? m[1]! : normalise(said)).replace(FILLER, '');
  return { name: name || normalise(said), place: m ? m[2]! : null };
}

/**
 * Finds the venue the elder means, forgiving spelling ("olive gardn") and a street said after the name ("the
 * barber on King St", matched against the address). An exact name (any case) wins outright; otherwise fuzzy
 * matches of the kind are ranked, and several close ones are returned for the elder to choose. Loads the
 * venues of one kind: the directory is a town's worth of places, not a national listing.
 */
export async function findVenue(em: EntityManager, said: string, kind: VenueKind): Promise<VenueMatch> {
  const exact = await em.find(Venue, { [sql.lower((alias) => `${alias}.name`)]: said.trim().toLowerCase(), kind }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (exact.length === 1 || (exact.length > 1 && exact.every((v) => v.address === exact[0]!.address))) return { kind: 'found', venue: exact[0]! };
  if (exact.length > 1) return { kind: 'choose', venues: exact.slice(0, MAX_CHOICES) };
  const all = await em.find(Venue, { kind }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (all.length === 0) return { kind: 'none' };
  const entries = all.map((venue) => ({ venue, name: normalise(venue.name), address: normalise(venue.address ?? '') }));
  const names = new Fuse(entries, { keys: ['name'], includeScore: true, ignoreLocation: true, threshold: MATCH_THRESHOLD });
  const { name, place } = splitPlace(said);
  let ranked = names.search(normalise(said)).concat(names.search(name));
  if (place) {
    const addresses = new Fuse(entries, { keys: ['address'], includeScore: true, ignoreLocation: true, threshold: MATCH_THRESHOLD });
    const atPlace = new Set(addresses.search(place).map((r) => r.item.venue.id));
    // With a street said, a venue on that street beats a better-spelled name elsewhere.
    ranked = ranked.map((r) => ({ ...r, score: (r.score ?? 1) - (atPlace.has(r.item.venue.id) ? 0.5 : 0) }));
  }
  const best = new Map<string, { venue: Venue; score: number }>();
  for (const r of ranked) {
    const score = r.score ?? 1;
    if (score > MATCH_THRESHOLD) continue;
    const seen = best.get(r.item.venue.id);
    if (!seen || score < seen.score) best.set(r.item.venue.id, { venue: r.item.venue, score });
  }
  const sorted = [...best.values()].sort((a, b) => a.score - b.score);
  if (sorted.length === 0) return { kind: 'none' };
  if (sorted.length === 1 || sorted[1]!.score - sorted[0]!.score >= CLEAR_LEAD) return { kind: 'found', venue: sorted[0]!.venue };
  return { kind: 'choose', venues: sorted.filter((s) => s.score - sorted[0]!.score < CLEAR_LEAD).slice(0, MAX_CHOICES).map((s) => s.venue) };
}

/** The directory file that ships with the app: a few restaurants and salons, edited by hand. */
export const DEFAULT_VENUES_FILE = fileURLToPath(new URL('./venues.seed.json', import.meta.url));

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:mm');

/** One venue of the directory file. */
export const venueSeedSchema = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(VENUE_KINDS),
  address: z.string().max(300).nullable().default(null),
  phone: z.string().max(40).nullable().default(null),
  timezone: z.string().min(1).refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'unknown timezone'),
  openingHours: z.partialRecord(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.tuple([hhmm, hhmm]))),
  capacityPerSlot: z.number().int().min(1).nullable().default(null),
  services: z.record(z.string().trim().toLowerCase().min(1), z.object({ minutes: z.number().int().min(5).max(600), staff: z.number().int().min(1) })).nullable().default(null),
  provider: z.enum(PROVIDERS).default('builtin'),
  partnerRef: z.string().max(200).nullable().default(null),
});
/** The directory file: a list of venues. */
export const venueSeedFileSchema = z.array(venueSeedSchema);
/** One validated venue of the directory file. */
export type VenueSeed = z.infer<typeof venueSeedSchema>;

/**
 * Loads the venue directory file (src/tasks/bookings/venues.seed.json) into the database: a venue is matched by its name
 * (any case) and kind and updated, or created. Safe to run at every start and from several processes at once
 * (on Postgres an advisory lock serialises the seeders). Returns how many venues were created and updated.
 */
export async function seedVenues(orm: MikroORM, path: string): Promise<{ created: number; updated: number }> {
  const seeds = venueSeedFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  let created = 0;
  let updated = 0;
  await orm.em.fork().transactional(async (tx) => {
    if (tx.getPlatform() instanceof PostgreSqlPlatform) await tx.getConnection().execute(`select pg_advisory_xact_lock(hashtext('grandma:seed-venues'))`, [], 'all', tx.getTransactionContext());
    for (const seed of seeds) {
      const found = await tx.findOne(Venue, { [sql.lower((alias) => `${alias}.name`)]: seed.name.toLowerCase(), kind: seed.kind }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      if (found) {
        tx.assign(found, seed);
        updated++;
      } else {
        tx.create(Venue, { id: randomUUID(), ...seed, createdAt: new Date() });
        created++;
      }
    }
    await tx.flush();
  });
  return { created, updated };
}
