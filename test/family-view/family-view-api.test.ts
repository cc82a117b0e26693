import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { familyViewLinks } from '../../src/http/family-view/family-view-config.ts';
import { REFUSAL } from '../../src/http/family-view/family-view-routes.ts';
import { signInitData } from '../../src/http/family-view/telegram-init-data.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { randomUUID } from 'node:crypto';
import { ViewLinkSigner, type FamilyViewLinks } from '../../src/tasks/family/family-view-links.ts';
import type { FamilyWeek } from '../../src/tasks/family/family-week.ts';
import { MODES } from '../support/test-app.ts';
import { aMedicationSchedule, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aDose, at } from '../medicines/medicine-factories.ts';
import { SEEDED_NOW, aSeededFamily, aTelegramPerson, initDataFor, startViewApp, type SeededFamily, type ViewApp } from './view-fixtures.ts';

const seconds = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

describe.each(MODES)('the family view over HTTP (%s)', (mode) => {
  let view: ViewApp;
  let links: FamilyViewLinks;
  let family: SeededFamily;
  const clock = new FakeClock(SEEDED_NOW);

  beforeAll(async () => {
    view = await startViewApp(mode, { clock, agent: unusedAgent });
    links = familyViewLinks(view.storage.config)!;
    family = await aSeededFamily(view.app.orm);
  });
  afterAll(async () => {
    await view.stop();
  });

  const tma = (userId: number, authDate = seconds(SEEDED_NOW) - 60): string => `tma ${initDataFor(view.telegram.token, userId, authDate)}`;
  const get = async (authorization: string | undefined, elder?: string) => {
    const res = await fetch(`${view.base}/family/api/week${elder ? `?elder=${elder}` : ''}`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, body: (await res.json()) as { viewer: { role: string; changeMedicines: boolean; acknowledgeAlerts: boolean; others: { id: string; name: string }[] }; week: FamilyWeek } };
  };
  const post = async (authorization: string, path: string, body: unknown) => {
    const res = await fetch(`${view.base}/family/api/${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { message: string } };
  };
  const statusOf = async (schedule: { id: string }) => (await view.app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).status;

  it("shows a caregiver who opens it in Telegram Margaret's week: doses per medicine and day, the week in one number, what is coming, what she shared, the alerts", async () => {
    const { status, body } = await get(tma(family.sarah.userId));
    expect(status).toBe(200);
    expect(body.viewer).toEqual({ role: 'caregiver', changeMedicines: true, acknowledgeAlerts: true, others: [] });
    const week = body.week;
    expect(week.elder).toEqual({ id: family.elder.id, name: 'Margaret Smith', firstName: 'Margaret' });
    expect(week.asOf).toBe('Wednesday 25 November at 7:00 pm');
    expect(week.days.map((d) => d.date)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    expect(week.days.at(-1)).toEqual({ date: '2026-11-25', short: 'Wed 25', long: 'Wednesday 25 November', today: true });
    expect(week.medicines.map((m) => [m.name, m.status, m.times])).toEqual([
      ['Donepezil 5mg', 'active', ['9:00 pm']],
      ['Metformin 500mg', 'active', ['8:00 am', '8:00 pm']],
    ]);
    const [donepezil, metformin] = week.medicines;
    expect(metformin!.days[1]).toEqual([{ time: '8:00 am', mark: 'missed' }, { time: '8:00 pm', mark: 'taken' }]);
    expect(metformin!.days[3]).toEqual([{ time: '8:00 am', mark: 'taken' }, { time: '8:00 pm', mark: 'skipped' }]);
    expect(metformin!.days[7]).toEqual([{ time: '8:00 am', mark: 'taken' }, { time: '8:00 pm', mark: 'to-come' }]);
    expect(donepezil!.days[5]).toEqual([{ time: '9:00 pm', mark: 'late' }]);
    expect(donepezil!.days[7]).toEqual([{ time: '9:00 pm', mark: 'to-come' }]);
    // The last seven days, today included (19 to 25): 13 Metformin and 6 Donepezil doses answered.
    expect(week.adherence).toEqual({ taken: 17, late: 1, skipped: 1, missed: 1, answered: 19, percent: 89, title: 'Margaret took 17 of 19 doses this week' });
    expect(week.chartSvg).toMatch(/^<svg/);
    expect(week.chartSvg).toContain('Margaret took 17 of 19 doses this week');

    expect(week.coming.map((d) => d.label)).toEqual(['Today, Wednesday 25 November', 'Thursday 26 November', 'Friday 27 November', 'Saturday 28 November', 'Sunday 29 November', 'Monday 30 November', 'Tuesday 1 December']);
    expect(week.coming[0]!.items).toEqual([
      { kind: 'medicine', time: '8:00 pm', text: 'Metformin 500mg' },
      { kind: 'medicine', time: '9:00 pm', text: 'Donepezil 5mg' },
    ]);
    expect(week.coming[2]!.items.map((i) => `${i.time} ${i.text}`)).toEqual(['8:00 am Metformin 500mg', '10:00 am Reminder: call the surgery', '8:00 pm Metformin 500mg', '9:00 pm Donepezil 5mg']);
    const table = week.coming[3]!.items.find((i) => i.kind === 'booking')!;
    expect(table).toMatchObject({ time: '12:30 pm', text: 'Table for 4 at The Anchor' });
    expect(table.detail).toMatch(/^Reference [A-Z0-9]{8}, confirmed$/);

    expect(week.activities).toEqual([{ at: 'Tuesday 24 November at 3:00 pm', text: 'A walk by the river with Jean', replies: ['Sarah replied: Lovely! Say hello to Jean.'] }]);
    expect(week.alerts).toEqual([
      { id: family.openAlert.id, description: 'She says she feels dizzy', status: 'open', raisedAt: 'Wednesday 25 November at 6:55 pm', acknowledgedBy: null, acknowledgedAt: null },
      { id: expect.any(String), description: 'Fell in the kitchen', status: 'acknowledged', raisedAt: 'Sunday 22 November at 9:10 am', acknowledgedBy: 'Sarah', acknowledgedAt: 'Sunday 22 November at 9:14 am' },
    ]);
  });

  it('shows a family member the same week, without the caregiver actions', async () => {
    const { status, body } = await get(tma(family.tom.userId), family.elder.id);
    expect(status).toBe(200);
    expect(body.viewer).toEqual({ role: 'family', changeMedicines: false, acknowledgeAlerts: false, others: [] });
    expect(body.week.adherence.title).toBe('Margaret took 17 of 19 doses this week');
  });

  it('offers someone linked to two elders the other one, and shows it when asked for by its id', async () => {
    const second = await anElder(view.app.orm, { name: 'Dorothy Reed' });
    const em = view.app.orm.em.fork();
    em.create(CaregiverLink, { id: randomUUID(), elderId: second.elder.id, accountId: family.tom.account.id, role: 'caregiver' });
    await em.flush();
    const first = await get(tma(family.tom.userId));
    expect([first.body.week.elder.name, first.body.viewer.others]).toEqual(['Margaret Smith', [{ id: second.elder.id, name: 'Dorothy Reed' }]]);
    const other = await get(tma(family.tom.userId), second.elder.id);
    expect([other.body.week.elder.name, other.body.viewer.role, other.body.viewer.others]).toEqual(['Dorothy Reed', 'caregiver', [{ id: family.elder.id, name: 'Margaret Smith' }]]);
    await view.app.orm.em.fork().nativeUpdate(CaregiverLink, { elderId: second.elder.id, accountId: family.tom.account.id }, { removedAt: clock.now() });
    expect((await get(tma(family.tom.userId), second.elder.id)).body).toEqual(REFUSAL);
  });

  it('shows the holder of a signed link the week of the elder it names (a WhatsApp family member, the family group)', async () => {
    const now = clock.now();
    const tomsLink = links.signer.sign({ holder: { kind: 'account', id: family.tom.account.id }, elderId: family.elder.id, expiresAt: new Date(now.getTime() + 3_600_000) }, now);
    const mine = await get(`Link ${tomsLink}`);
    expect(mine.status).toBe(200);
    expect(mine.body.viewer.role).toBe('family');
    const groupLink = links.signer.sign({ holder: { kind: 'circle', id: family.circle.id }, elderId: family.elder.id, expiresAt: new Date(now.getTime() + 3_600_000) }, now);
    const group = await get(`Link ${groupLink}`, family.elder.id);
    expect(group.status).toBe(200);
    expect(group.body.viewer).toEqual({ role: 'family', changeMedicines: false, acknowledgeAlerts: false, others: [] });
  });

  it('refuses forged, stale and foreign proofs, strangers, removed caregivers and other elders with one and the same answer', async () => {
    const now = clock.now();
    const other = await anElder(view.app.orm, { name: 'Dorothy' });
    const removed = await aTelegramPerson(view.app.orm, family.elder, 'caregiver', 'Mallory', { removed: true });
    const stranger = 987_654_321;
    const sarahsData = initDataFor(view.telegram.token, family.sarah.userId, seconds(SEEDED_NOW) - 60);
    const forged = sarahsData.replace(encodeURIComponent(`"id":${family.sarah.userId}`), encodeURIComponent(`"id":${family.tom.userId}`));
    const otherBot = signInitData({ user: JSON.stringify({ id: family.sarah.userId, first_name: 'Sarah' }), auth_date: String(seconds(SEEDED_NOW)) }, '999999:another-bots-token-aaaaaaaaaaaaaaaaaaaaa');
    const toms = (expiresAt: Date, signedAt: Date, elderId = family.elder.id) => links.signer.sign({ holder: { kind: 'account', id: family.tom.account.id }, elderId, expiresAt }, signedAt);
    const valid = toms(new Date(now.getTime() + 3_600_000), now);
    const [head, payload, mac] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, e: other.elder.id })).toString('base64url')}.${mac}`;
    const foreignSecret = new ViewLinkSigner('another deployment secret, thirty-two characters or more').sign({ holder: { kind: 'account', id: family.tom.account.id }, elderId: family.elder.id, expiresAt: new Date(now.getTime() + 3_600_000) }, now);
    const expired = toms(new Date(now.getTime() - 60_000), new Date(now.getTime() - 3_600_000));

    const refused: [string, string | undefined, string?][] = [
      ['no proof at all', undefined],
      ['initData whose user was changed after Telegram signed it', `tma ${forged}`],
      ["initData signed with another bot's token", `tma ${otherBot}`],
      ['initData two hours old', tma(family.sarah.userId, seconds(SEEDED_NOW) - 7200)],
      ['initData from the future', tma(family.sarah.userId, seconds(SEEDED_NOW) + 3600)],
      ['a valid initData of a stranger', tma(stranger)],
      ['a valid initData of a removed caregiver', tma(removed.userId)],
      ["the caregiver asking for another elder's id", tma(family.sarah.userId), other.elder.id],
      ['the caregiver asking for an elder that does not exist', tma(family.sarah.userId), '3f0c2a9e-1111-4222-8333-944455556666'],
      ['the caregiver asking for something that is not an id', tma(family.sarah.userId), "' or 1=1 --"],
      ['a link whose elder was changed', `Link ${tampered}`],
      ['a link signed elsewhere', `Link ${foreignSecret}`],
      ['an expired link', `Link ${expired}`],
      ["a valid link used for another elder's id", `Link ${valid}`, other.elder.id],
      ['a link that is not one', 'Link fv1.abc.def'],
    ];
    for (const [what, authorization, elder] of refused) {
      const res = await get(authorization, elder);
      expect([what, res.status, res.body]).toEqual([what, 403, REFUSAL]);
    }
    // A deactivated account is refused too, then seen again once active.
    await view.app.orm.em.fork().nativeUpdate(ChannelAccount, { id: family.tom.account.id }, { active: false });
    expect((await get(`Link ${valid}`)).status).toBe(403);
    await view.app.orm.em.fork().nativeUpdate(ChannelAccount, { id: family.tom.account.id }, { active: true });
    expect((await get(`Link ${valid}`)).status).toBe(200);
  });

  it("lets a caregiver pause and resume a medicine once confirmed, through the chat's service: Margaret and the family are told", async () => {
    const sarah = tma(family.sarah.userId);
    const unconfirmed = await post(sarah, `medicines/${family.donepezil.id}?elder=${family.elder.id}`, { change: 'pause' });
    expect(unconfirmed.status).toBe(400);
    expect(await statusOf(family.donepezil)).toBe('active');

    const paused = await post(sarah, `medicines/${family.donepezil.id}`, { change: 'pause', confirmed: true });
    expect(paused).toEqual({ status: 200, body: { message: "Done. Donepezil 5mg is paused. I've told Margaret Smith.", changed: true, status: 'paused' } });
    expect(await statusOf(family.donepezil)).toBe('paused');
    await view.app.settle();
    const news = 'Sarah paused Donepezil 5mg. No reminders until it is resumed.';
    expect((await outboxTo(view.app, family.margaret.account.chatId)).map((m) => m.text)).toContain(news);
    expect((await outboxTo(view.app, family.circle.groupChatId)).map((m) => m.text)).toContain(news);
    expect((await outboxTo(view.app, family.sarah.account.chatId)).map((m) => m.text)).not.toContain(news);

    const again = await post(sarah, `medicines/${family.donepezil.id}`, { change: 'pause', confirmed: true });
    expect(again.body.message).toBe('Donepezil 5mg is already paused.');
    const resumed = await post(sarah, `medicines/${family.donepezil.id}`, { change: 'resume', confirmed: true });
    expect(resumed.body.message).toBe("Done. Donepezil 5mg is on again. I've told Margaret Smith.");
    expect(await statusOf(family.donepezil)).toBe('active');
  });

  it('refuses the caregiver actions to a family member, to a group link and for another elder, and changes nothing', async () => {
    const now = clock.now();
    const other = await anElder(view.app.orm, { name: 'Dorothy' });
    const othersMedicine = await aMedicationSchedule(view.app.orm, other.elder);
    const groupLink = `Link ${links.signer.sign({ holder: { kind: 'circle', id: family.circle.id }, elderId: family.elder.id, expiresAt: new Date(now.getTime() + 3_600_000) }, now)}`;
    const attempts: [string, string, string, unknown][] = [
      ['Tom pausing', tma(family.tom.userId), `medicines/${family.metformin.id}`, { change: 'pause', confirmed: true }],
      ["Tom saying he's on it", tma(family.tom.userId), `alerts/${family.openAlert.id}/acknowledge`, { confirmed: true }],
      ['the group link pausing', groupLink, `medicines/${family.metformin.id}`, { change: 'pause', confirmed: true }],
      ["Sarah pausing another elder's medicine", tma(family.sarah.userId), `medicines/${othersMedicine.id}`, { change: 'pause', confirmed: true }],
      ['a stranger pausing', tma(123_456_789), `medicines/${family.metformin.id}`, { change: 'pause', confirmed: true }],
    ];
    for (const [what, authorization, path, body] of attempts) {
      const res = await post(authorization, path, body);
      expect([what, res.status, res.body]).toEqual([what, 403, REFUSAL]);
    }
    expect(await statusOf(family.metformin)).toBe('active');
    expect(await statusOf(othersMedicine)).toBe('active');
    expect((await view.app.orm.em.fork().findOneOrFail(Alert, { id: family.openAlert.id })).status).toBe('open');
  });

  it('lets a caregiver say she is on an open alert once confirmed: Margaret is told who is dealing with it', async () => {
    const elder = await aSeededFamily(view.app.orm, 'Edith Brown');
    const sarah = tma(elder.sarah.userId);
    expect((await post(sarah, `alerts/${elder.openAlert.id}/acknowledge`, {})).status).toBe(400);
    const res = await post(sarah, `alerts/${elder.openAlert.id}/acknowledge`, { confirmed: true });
    expect(res).toEqual({ status: 200, body: { message: "Thank you, Sarah. I've told Edith Brown and the family that you're on it." } });
    const alert = await view.app.orm.em.fork().findOneOrFail(Alert, { id: elder.openAlert.id });
    expect(alert).toMatchObject({ status: 'acknowledged', acknowledgedByAccountId: elder.sarah.account.id });
    await view.app.settle();
    expect((await outboxTo(view.app, elder.margaret.account.chatId)).map((m) => m.text)).toContain('Sarah has seen your alert and is on it.');
    const { body } = await get(sarah);
    expect(body.week.alerts[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'Sarah' });
  });

  it('reads a page view in the same few queries however many medicines and doses there are (one per kind of fact)', async () => {
    const big = await aSeededFamily(view.app.orm, 'Ivy Green');
    const connection = view.app.orm.em.getConnection() as unknown as { logQuery(...args: unknown[]): void };
    const queriesOfOneView = async (): Promise<string[]> => {
      const statements: string[] = [];
      const spy = jest.spyOn(connection, 'logQuery').mockImplementation((sql: unknown) => {
        // Only this view's statements: the workers the app runs meanwhile have other stacks.
        if (/family-view-(?:routes|access)\.ts|family-week\.ts/.test(new Error().stack ?? '')) statements.push(String(sql).slice(0, 50));
      });
      try {
        const res = await view.app.http!.inject({ url: '/family/api/week', headers: { authorization: tma(big.sarah.userId) } });
        expect(res.statusCode).toBe(200);
        return statements;
      } finally {
        spy.mockRestore();
      }
    };
    const few = await queriesOfOneView();
    for (const medicine of ['Aspirin', 'Ramipril', 'Simvastatin', 'Levothyroxine']) {
      const schedule = await aMedicationSchedule(view.app.orm, big.elder, { medicine, times: ['07:00', '13:00', '19:00'] });
      for (let day = 18; day <= 25; day++) await aDose(view.app.orm, schedule, at(`2026-11-${day}T07:00:00Z`), '07:00', 'taken');
    }
    const many = await queriesOfOneView();
    expect(many).toEqual(few);
    expect(few.length).toBeLessThanOrEqual(14);
    process.stdout.write(`family view (${mode}): ${few.length} database queries per page view\n`);
  });

  it('serves the page itself to anyone, the same bytes, with no data in it and a strict content security policy', async () => {
    const res = await fetch(`${view.base}/family/?elder=${family.elder.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    const html = await res.text();
    expect(html).not.toContain('Margaret');
    expect(html).toContain('<main id="app">');
    const redirect = await fetch(`${view.base}/family?elder=x`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/family/?elder=x']);
  });
});
