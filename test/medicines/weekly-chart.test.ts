import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { sendWeeklyCharts } from '../../src/tasks/medicines/weekly-chart.ts';
import { barLayout, CHART_COLOURS, CHART_HEIGHT, CHART_WIDTH } from '../../src/tasks/medicines/adherence-chart.ts';
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

  const sweep = async (now: string) => {
    clock.set(now);
    const sent = await sendWeeklyCharts(app.orm, delivery, at(now), { dir });
    await app.settle();
    return sent;
  };
  const pixel = (png: pngjs.PNG, x: number, y: number): number[] => {
    const i = (y * png.width + x) * 4;
    return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
  };
  /** Whether any pixel of a column between two heights has a colour. */
  const columnHas = (png: pngjs.PNG, x: number, colour: readonly number[]): boolean => {
    for (let y = 0; y < png.height; y++) if (pixel(png, x, y).every((v, i) => v === colour[i])) return true;
    return false;
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
    const png = pngjs.PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    // Monday: a green bar of two, nothing beside it; Tuesday: a red bar; Wednesday: an amber one.
    const monday = barLayout(0, 7);
    expect(columnHas(png, monday.takenX + 2, CHART_COLOURS.taken)).toBe(true);
    expect(columnHas(png, monday.notTakenX + 2, CHART_COLOURS.missed)).toBe(false);
    expect(columnHas(png, barLayout(1, 7).notTakenX + 2, CHART_COLOURS.missed)).toBe(true);
    expect(columnHas(png, barLayout(2, 7).notTakenX + 2, CHART_COLOURS.skipped)).toBe(true);
    // Monday's two doses reach higher than Sunday's one.
    const top = (x: number) => {
      for (let y = 0; y < png.height; y++) if (pixel(png, x, y).every((v, i) => v === CHART_COLOURS.taken[i])) return y;
      return png.height;
    };
    expect(top(monday.takenX + 2)).toBeLessThan(top(barLayout(6, 7).takenX + 2));
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

  it('sends no chart for a week without answered doses', async () => {
    const { elder } = await anElder(app.orm, { name: 'Quiet', timezone: 'Pacific/Auckland' });
    const { account } = await aFamilyMember(app.orm, elder);
    // 20:00 on Sunday 13 December in Auckland.
    await sweep('2026-12-13T07:00:00Z');
    expect(await outboxTo(app, account.chatId)).toEqual([]);
    expect(existsSync(join(dir, `${elder.id}-2026-12-13.png`))).toBe(false);
  });
});
