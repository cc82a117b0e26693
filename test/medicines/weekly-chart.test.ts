import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { sendWeeklyCharts } from '../../src/tasks/medicines/weekly-chart.ts';
import { MARK_STYLE } from '../../src/tasks/medicines/adherence-chart.ts';
import { FamilyViewLinks, ViewLinkSigner } from '../../src/tasks/family/family-view-links.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, aMedicationSchedule, anElder, outboxTo } from '../support/factories.ts';
import { aDose, appDelivery, at } from './medicine-factories.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each(MODES)('weekly adherence chart (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  let dir: string;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-23T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    dir = mkdtempSync(join(tmpdir(), 'grandma-charts-'));
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const sweep = async (now: string, view?: FamilyViewLinks) => {
    clock.set(now);
    const sent = await sendWeeklyCharts(app.orm, delivery, at(now), { dir, ...(view ? { view } : {}) });
    await app.settle();
    return sent;
  };
  const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  /** The rows (y) where a colour is found, and how many pixels have it. */
  const find = (png: pngjs.PNG, hex: string, rows: [number, number] = [0, png.height]): { count: number; ys: Set<number> } => {
    const colour = rgb(hex);
    const ys = new Set<number>();
    let count = 0;
    for (let y = rows[0]; y < rows[1]; y++) {
      for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] === colour[0] && png.data[i + 1] === colour[1] && png.data[i + 2] === colour[2]) {
          count++;
          ys.add(y);
        }
      }
    }
    return { count, ys };
  };

  it('sends the week as a PNG photo on Sunday at 20:00 local time, once', async () => {
    const { elder } = await anElder(app.orm, { name: 'Margaret' });
    const circle = await aFamilyCircle(app.orm, elder);
    const { account: sarah } = await aFamilyMember(app.orm, elder, { name: 'Sarah' });
    const metformin = await aMedicationSchedule(app.orm, elder, { times: ['08:00', '20:00'] });
    // Monday 23 to Sunday 29 November: Monday both taken, Tuesday one missed, Wednesday one skipped, the rest taken.
    const days = ['23', '24', '25', '26', '27', '28', '29'];
    for (const [i, day] of days.entries()) {
      await aDose(app.orm, metformin, at(`2026-11-${day}T08:00:00Z`), '08:00', i === 1 ? 'missed' : i === 2 ? 'skipped' : 'taken');
      if (i < 6) await aDose(app.orm, metformin, at(`2026-11-${day}T20:00:00Z`), '20:00', 'taken');
    }
    // The Sunday before is another week.
    await aDose(app.orm, metformin, at('2026-11-22T08:00:00Z'), '08:00', 'missed');

    await sweep('2026-11-28T20:00:00Z');
    await sweep('2026-11-29T19:59:00Z');
    expect(await outboxTo(app, circle.groupChatId)).toEqual([]);

    expect(await sweep('2026-11-29T20:00:00Z')).toBeGreaterThanOrEqual(1);
    await sweep('2026-11-29T20:01:00Z');
    await sweep('2026-11-29T23:00:00Z');
    const path = join(dir, `${elder.id}-2026-11-29.png`);
    const caption = "Margaret's medicines this week, to Sunday 29 November: 11 of 13 doses taken, 1 missed, 1 skipped.";
    for (const chatId of [circle.groupChatId, sarah.chatId]) {
      const rows = await outboxTo(app, chatId);
      expect(rows.map((r) => [r.text, r.photo])).toEqual([[caption, path]]);
    }
    const delivered = await channel.waitFor((m) => m.chatId === sarah.chatId);
    expect(delivered).toMatchObject({ text: caption, photo: path });

    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    mkdirSync('test-output', { recursive: true });
    writeFileSync(`test-output/weekly-chart-${mode}.png`, bytes);
    const png = pngjs.PNG.sync.read(bytes);
    // Drawn at twice its size for phone screens: wide enough for seven days of two doses.
    expect(png.width).toBeGreaterThan(1000);
    // The marks: taken in green, the missed and the skipped dose in their own colours, nothing late.
    const taken = find(png, MARK_STYLE.taken.colour);
    expect(taken.count).toBeGreaterThan(11 * 200);
    expect(find(png, MARK_STYLE.missed.colour).count).toBeGreaterThan(100);
    expect(find(png, MARK_STYLE.skipped.colour).count).toBeGreaterThan(100);
    expect(find(png, MARK_STYLE.late.colour).count).toBe(0);
    // The title is written in letters above the marks (the shipped font was found: without it resvg draws no text).
    const firstMark = Math.min(...taken.ys);
    expect(find(png, '#222222', [0, firstMark]).count).toBeGreaterThan(500);
  });

  it('sends again the next Sunday, for that week', async () => {
    const { elder } = await anElder(app.orm, { name: 'Arthur' });
    const { account } = await aFamilyMember(app.orm, elder);
    const schedule = await aMedicationSchedule(app.orm, elder, { times: ['09:00'] });
    await aDose(app.orm, schedule, at('2026-11-27T09:00:00Z'), '09:00', 'taken');
    await aDose(app.orm, schedule, at('2026-12-02T09:00:00Z'), '09:00', 'missed');
    await Promise.all([sweep('2026-11-29T21:00:00Z'), sweep('2026-11-29T21:00:00Z')]);
    await sweep('2026-12-06T20:30:00Z');
    expect((await outboxTo(app, account.chatId)).map((r) => [r.text, r.photo])).toEqual([
      ["Arthur's medicines this week, to Sunday 29 November: 1 of 1 dose taken.", join(dir, `${elder.id}-2026-11-29.png`)],
      ["Arthur's medicines this week, to Sunday 6 December: 0 of 1 dose taken, 1 missed.", join(dir, `${elder.id}-2026-12-06.png`)],
    ]);
  });

  it('puts a "See Margaret\'s week" button under the chart when the family view is on: a signed link in the group, the page in a Telegram chat', async () => {
    const view = new FamilyViewLinks({ baseUrl: 'https://view.example.org', signer: new ViewLinkSigner('a secret of at least thirty-two characters') });
    const { elder } = await anElder(app.orm, { name: 'Edith Jones' });
    const circle = await aFamilyCircle(app.orm, elder);
    const { account: tom } = await aFamilyMember(app.orm, elder, { name: 'Tom' });
    const schedule = await aMedicationSchedule(app.orm, elder, { times: ['09:00'] });
    await aDose(app.orm, schedule, at('2026-12-18T09:00:00Z'), '09:00', 'taken');
    await sweep('2026-12-20T20:00:00Z', view);
    const [group] = await outboxTo(app, circle.groupChatId);
    const [button] = group!.buttons!.flat();
    expect(button).toMatchObject({ label: "See Edith's week" });
    const token = button!.url!.split('#link=')[1]!;
    expect(button!.url).toBe(`https://view.example.org/family/#link=${token}`);
    expect(view.signer.verify(token, at('2026-12-20T20:00:00Z'))).toEqual({ holder: { kind: 'circle', id: circle.id }, elderId: elder.id, expiresAt: at('2026-12-21T20:00:00Z') });
    const [mine] = await outboxTo(app, tom.chatId);
    expect(mine!.buttons).toEqual([[{ label: "See Edith's week", data: '', url: `https://view.example.org/family/?elder=${elder.id}` }]]);
  });

  it('sends no chart for a week without answered doses', async () => {
    const { elder } = await anElder(app.orm, { name: 'Quiet', timezone: 'Pacific/Auckland' });
    const { account } = await aFamilyMember(app.orm, elder);
    // 20:00 on Sunday 13 December in Auckland.
    await sweep('2026-12-13T07:00:00Z');
    expect(await outboxTo(app, account.chatId)).toEqual([]);
    expect(existsSync(join(dir, `${elder.id}-2026-12-13.png`))).toBe(false);
  });
});
