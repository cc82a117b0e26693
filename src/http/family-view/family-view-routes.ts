import { gzipSync } from 'node:zlib';
import type { MikroORM } from '@mikro-orm/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';
import type { FamilyViewLinks } from '../../tasks/family/family-view-links.ts';
import { resolveViewer, viewerPermissions, type Viewer, type ViewerProof } from '../../tasks/family/family-view-access.ts';
import { loadFamilyWeek } from '../../tasks/family/family-week.ts';
import { changeMedicine } from '../../tasks/medicines/medicine-changes.ts';
import { MedicationSchedule } from '../../tasks/medicines/medication-schedule.entity.ts';
import { doseName } from '../../tasks/medicines/dose-messages.ts';
import { acknowledgeAlert } from '../../tasks/family/alert-acknowledgement.ts';
import { Alert } from '../../tasks/family/alert.entity.ts';
import { NotLinkedError } from '../../tasks/family/access.ts';
import { buildFamilyViewPage } from './family-view-page.ts';
import { loadChartLibraries } from '../../lib/charts.ts';
import { verifyInitData } from './telegram-init-data.ts';

/** What the family view's routes need. */
export interface FamilyViewDeps {
  orm: MikroORM;
  clock: Clock;
  delivery: DeliveryQueue;
  logger: Logger;
  links: FamilyViewLinks;
  /** The bot's Mini App key (webAppSecretKey of TELEGRAM_BOT_TOKEN); without it Telegram's initData is refused. */
  telegramKey?: Buffer;
  /** A dose taken more than this many minutes after it was due shows as late (DOSE_REMIND_AGAIN_MINUTES). */
  lateAfterMinutes: number;
}

/** The one answer to every request the view refuses, whatever the reason: it tells nothing about who or what exists. */
export const REFUSAL = {
  error: 'not_available',
  message: "This page can't be shown. Open it again from the chat with the assistant, or send /view there for a new link.",
} as const;

const authorization = z.string().max(8192).regex(/^(tma|Link) (\S+)$/);
const elderQuery = z.object({ elder: z.string().max(64).optional() });
const medicineChange = z.object({ change: z.enum(['pause', 'resume']), confirmed: z.literal(true) }).strict();
const confirmed = z.object({ confirmed: z.literal(true) }).strict();
const uuid = z.uuid();

/** Something that stops a request with one answer. */
class Refused extends Error {
  override name = 'Refused';
}

/**
 * Mounts the family view: `GET /family/` (the page, the same for everyone), `GET /family/api/week` (the elder's
 * week for whoever the page proves to be: Telegram's initData or a signed link, in the Authorization header),
 * `POST /family/api/medicines/:id` (pause or resume, confirmed) and `POST /family/api/alerts/:id/acknowledge`.
 * Every refusal is the same 403 with the same body.
 */
export function mountFamilyView(app: FastifyInstance, deps: FamilyViewDeps): void {
  const page = buildFamilyViewPage();
  const log = deps.logger.child({ http: 'family-view' });
  // The first view after a start would otherwise wait a second or two for Vega to load.
  setImmediate(() => void loadChartLibraries().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not load the chart libraries')));

  const proofOf = (request: FastifyRequest): ViewerProof => {
    const header = authorization.safeParse(request.headers.authorization);
    if (!header.success) throw new Refused();
    const [, scheme, value] = /^(tma|Link) (\S+)$/.exec(header.data)!;
    const now = deps.clock.now();
    if (scheme === 'tma') {
      const user = deps.telegramKey ? verifyInitData(value!, deps.telegramKey, now) : null;
      if (!user) throw new Refused();
      return { kind: 'telegram', userId: user.userId };
    }
    const claims = deps.links.signer.verify(value!, now);
    if (!claims) throw new Refused();
    return { kind: 'link', holder: claims.holder, elderId: claims.elderId };
  };

  /** The viewer of the request's elder, or Refused. */
  const viewerOf = async (request: FastifyRequest): Promise<Viewer> => {
    const proof = proofOf(request);
    const query = elderQuery.safeParse(request.query);
    if (!query.success) throw new Refused();
    const viewer = await resolveViewer(deps.orm.em.fork(), proof, query.data.elder);
    if (!viewer) throw new Refused();
    return viewer;
  };

  const sendJson = (request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply => {
    const json = Buffer.from(JSON.stringify(body));
    reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').header('vary', 'accept-encoding');
    if (json.length > 1024 && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(gzipSync(json));
    return reply.send(json);
  };

  const guarded =
    (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      try {
        return await handler(request, reply);
      } catch (err) {
        if (err instanceof Refused || err instanceof NotLinkedError) return sendJson(request, reply, 403, REFUSAL);
        log.error({ err: err instanceof Error ? err.message : String(err), route: request.routeOptions.url }, 'family view failed');
        return sendJson(request, reply, 500, { error: 'failed', message: 'Sorry, something went wrong on our side. Please try again in a minute.' });
      }
    };

  app.get('/family', async (request, reply) => reply.redirect(`/family/${request.url.slice('/family'.length)}`, 301));
  app.get('/family/', async (request, reply) => {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', page.contentSecurityPolicy)
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(page.gzipped);
    return reply.send(page.html);
  });

  app.get(
    '/family/api/week',
    guarded(async (request, reply) => {
      const viewer = await viewerOf(request);
      const week = await loadFamilyWeek(deps.orm.em.fork(), viewer.elder, { now: deps.clock.now(), lateAfterMinutes: deps.lateAfterMinutes });
      log.info({ elderId: viewer.elder.id, accountId: viewer.account?.id ?? null, role: viewer.role }, 'family view shown');
      return sendJson(request, reply, 200, { viewer: { role: viewer.role, ...viewerPermissions(viewer), others: viewer.others }, week });
    }),
  );

  app.post(
    '/family/api/medicines/:scheduleId',
    guarded(async (request, reply) => {
      const viewer = await viewerOf(request);
      const scheduleId = uuid.safeParse((request.params as { scheduleId?: string }).scheduleId);
      if (!viewer.account || !viewerPermissions(viewer).changeMedicines || !scheduleId.success) throw new Refused();
      const schedule = await deps.orm.em.fork().findOne(MedicationSchedule, { id: scheduleId.data, elderId: viewer.elder.id });
      if (!schedule) throw new Refused();
      const body = medicineChange.safeParse(request.body);
      if (!body.success) return sendJson(request, reply, 400, { error: 'not_confirmed', message: 'Nothing was changed: please confirm first.' });
      // The chat's own service: it checks the link again, tells the elder and the family, and changes once.
      const { schedule: after, changed } = await changeMedicine(deps, { actorAccountId: viewer.account.id, scheduleId: schedule.id, change: body.data.change });
      log.info({ elderId: viewer.elder.id, accountId: viewer.account.id, scheduleId: schedule.id, change: body.data.change, changed }, 'medicine changed from the family view');
      const name = doseName(after);
      const message = !changed ? `${name} is already ${after.status}.` : after.status === 'paused' ? `Done. ${name} is paused. I've told ${viewer.elder.name}.` : `Done. ${name} is on again. I've told ${viewer.elder.name}.`;
      return sendJson(request, reply, 200, { message, changed, status: after.status });
    }),
  );

  app.post(
    '/family/api/alerts/:alertId/acknowledge',
    guarded(async (request, reply) => {
      const viewer = await viewerOf(request);
      const alertId = uuid.safeParse((request.params as { alertId?: string }).alertId);
      if (!viewer.account || !viewerPermissions(viewer).acknowledgeAlerts || !alertId.success) throw new Refused();
      const alert = await deps.orm.em.fork().findOne(Alert, { id: alertId.data, elderId: viewer.elder.id });
      if (!alert) throw new Refused();
      if (!confirmed.safeParse(request.body).success) return sendJson(request, reply, 400, { error: 'not_confirmed', message: 'Nothing was changed: please confirm first.' });
      const account = viewer.account;
      // As if pressed in the person's private chat: the elder and everyone else in the family are told.
      const replies = await acknowledgeAlert(deps.orm, deps.delivery, { alertId: alert.id, actor: { account, chat: { channel: account.channel, chatId: account.chatId, chatType: 'private' } }, now: deps.clock.now() });
      log.info({ elderId: viewer.elder.id, accountId: account.id, alertId: alert.id }, 'alert acknowledged from the family view');
      return sendJson(request, reply, 200, { message: replies.map((r) => r.text).join(' ') });
    }),
  );
}
