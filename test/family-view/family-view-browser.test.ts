import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { FakeClock } from '../../src/lib/clock.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { unusedAgent } from '../support/factories.ts';
import { launchChromium } from '../support/browser.ts';
import { SEEDED_NOW, aSeededFamily, initDataFor, startViewApp, type SeededFamily, type ViewApp } from './view-fixtures.ts';

const OUTPUT = 'test-output';
/** Telegram's light and dark themes as its apps pass them (themeParams). */
const LIGHT = { bg_color: '#ffffff', text_color: '#000000', hint_color: '#707579', link_color: '#3390ec', button_color: '#3390ec', button_text_color: '#ffffff', secondary_bg_color: '#f4f4f5' };
const DARK = { bg_color: '#212121', text_color: '#ffffff', hint_color: '#aaaaaa', link_color: '#8774e1', button_color: '#8774e1', button_text_color: '#ffffff', secondary_bg_color: '#181818' };

/** What one page load cost: bytes over the wire, and when it was first painted and when the week was drawn. */
interface LoadMeasure {
  bytes: number;
  requests: number;
  firstPaintMs: number;
  weekDrawnMs: number;
}

/** What the checks read of an element in the page (the project has no DOM types: the code runs in Chromium). */
interface PageElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

// The page in a real browser, opened as Telegram opens a Mini App: the page URL with #tgWebAppData=… (the
// initData Telegram signs) and the theme in the fragment. Telegram's own script is not loaded (offline).
describe('the family view in headless Chromium', () => {
  let view: ViewApp;
  let family: SeededFamily;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const clock = new FakeClock(SEEDED_NOW);
  const measures: Record<string, LoadMeasure> = {};

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    view = await startViewApp('embedded', { clock, agent: unusedAgent });
    family = await aSeededFamily(view.app.orm);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await view?.stop();
    writeFileSync(`${OUTPUT}/family-view-measures.json`, `${JSON.stringify(measures, null, 2)}\n`);
  });

  /** Opens the page as Telegram would for a user, and waits until the week is drawn. */
  async function openInTelegram(userId: number, theme: Record<string, string>, elderId?: string): Promise<{ page: Page; measure: LoadMeasure }> {
    const page = await browser.context.newPage();
    const responses: Promise<number>[] = [];
    page.on('requestfinished', (request) => {
      responses.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    });
    const fragment = new URLSearchParams({
      tgWebAppData: initDataFor(view.telegram.token, userId, Math.floor(clock.now().getTime() / 1000) - 30),
      tgWebAppVersion: '8.0',
      tgWebAppPlatform: 'android',
      tgWebAppThemeParams: JSON.stringify(theme),
    });
    await page.goto(`${view.base}/family/${elderId ? `?elder=${elderId}` : ''}#${fragment.toString()}`);
    await page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
    const timing = await page.evaluate(() => ({
      firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      weekDrawnMs: performance.getEntriesByName('family-view-drawn')[0]?.startTime ?? -1,
    }));
    const sizes = await Promise.all(responses);
    return { page, measure: { bytes: sizes.reduce((a, b) => a + b, 0), requests: sizes.length, ...timing } };
  }

  it("shows a caregiver the grid of Margaret's doses, the week in one number, and what is coming", async () => {
    const { page, measure } = await openInTelegram(family.sarah.userId, LIGHT);
    measures.caregiverLight = measure;
    expect(await page.textContent('h1')).toBe("Margaret Smith's week");
    expect(await page.textContent('#adherence')).toBe('89%Margaret took 17 of 19 doses this week (1 late, 1 missed, 1 skipped).');
    const marks = (date: string, medicine: string) => page.$$eval(`td[data-date="${date}"][data-medicine="${medicine}"] .mark`, (nodes: PageElement[]) => nodes.map((n) => `${n.getAttribute('data-time')} ${n.getAttribute('data-mark')}`));
    expect(await marks('2026-11-19', 'Metformin 500mg')).toEqual(['8:00 am missed', '8:00 pm taken']);
    expect(await marks('2026-11-21', 'Metformin 500mg')).toEqual(['8:00 am taken', '8:00 pm skipped']);
    expect(await marks('2026-11-23', 'Donepezil 5mg')).toEqual(['9:00 pm late']);
    expect(await marks('2026-11-25', 'Metformin 500mg')).toEqual(['8:00 am taken', '8:00 pm to-come']);
    expect(await page.$$eval('#dose-grid thead th', (nodes: PageElement[]) => nodes.map((n) => n.textContent))).toEqual(['Wed18', 'Thu19', 'Fri20', 'Sat21', 'Sun22', 'Mon23', 'Tue24', 'Today25']);
    // Screen readers hear each day in words.
    expect(await page.textContent('td[data-date="2026-11-19"][data-medicine="Metformin 500mg"] .sr')).toBe('Thursday 19 November: 8:00 am missed, 8:00 pm taken');
    expect(await page.textContent('#week-chart svg')).toContain('Margaret took 17 of 19 doses this week');
    const saturday = await page.$$eval('#coming h3', (nodes: PageElement[]) => nodes.map((n) => n.textContent));
    expect(saturday).toContain('Saturday 28 November');
    expect(await page.textContent('#coming')).toMatch(/12:30 pmTable for 4 at The AnchorReference [A-Z0-9]{8}, confirmed/);
    expect(await page.textContent('#activities')).toContain('Sarah replied: Lovely! Say hello to Jean.');
    // The open alert comes first, with its button; the acknowledged one says who.
    expect(await page.$$eval('main > section', (nodes: PageElement[]) => nodes.map((n) => n.id))).toEqual(['alerts', 'doses', 'coming', 'activities']);
    expect(await page.textContent('#alerts')).toContain('Sarah is on it, since Sunday 22 November at 9:14 am.');
    expect(await page.isVisible('#alerts button[data-action="acknowledge"]')).toBe(true);
    // The proof leaves the address bar once read.
    expect(page.url()).toBe(`${view.base}/family/`);
    await page.screenshot({ path: `${OUTPUT}/family-view-light.png` });
    await page.screenshot({ path: `${OUTPUT}/family-view-light-full.png`, fullPage: true });
    await page.locator('#doses').screenshot({ path: `${OUTPUT}/family-view-medicines-light.png` });
    await page.close();
  });

  it('lets the caregiver pause a medicine after confirming it, and the database says it is paused', async () => {
    const { page } = await openInTelegram(family.sarah.userId, LIGHT);
    await page.click(`button[data-action="pause"][data-schedule="${family.metformin.id}"]`);
    expect(await page.isVisible('dialog#confirm')).toBe(true);
    expect(await page.textContent('#confirm-text')).toBe("Pause Metformin 500mg? Margaret won't get reminders for it until it is resumed.");
    // "No" changes nothing.
    await page.click('dialog#confirm button[value="no"]');
    expect((await view.app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: family.metformin.id })).status).toBe('active');

    await page.click(`button[data-action="pause"][data-schedule="${family.metformin.id}"]`);
    await page.click('#confirm-yes');
    await page.waitForSelector(`button[data-action="resume"][data-schedule="${family.metformin.id}"]`);
    expect(await page.textContent('#status')).toBe("Done. Metformin 500mg is paused. I've told Margaret Smith.");
    expect((await view.app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: family.metformin.id })).status).toBe('paused');
    expect(await page.textContent(`tbody[data-schedule="${family.metformin.id}"] .paused`)).toBe('Paused');
    await page.close();
  });

  it('shows a family member the same week in the dark theme, without the caregiver buttons', async () => {
    const { page, measure } = await openInTelegram(family.tom.userId, DARK, family.elder.id);
    measures.familyDark = measure;
    expect(await page.textContent('h1')).toBe("Margaret Smith's week");
    expect(await page.$$('button[data-action]')).toHaveLength(0);
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(33, 33, 33)');
    expect(await page.evaluate('document.documentElement.getAttribute("data-theme")')).toBe('dark');
    await page.screenshot({ path: `${OUTPUT}/family-view-dark.png` });
    await page.locator('#doses').screenshot({ path: `${OUTPUT}/family-view-medicines-dark.png` });
    await page.close();
  });

  it('shows a stranger nothing but the refusal', async () => {
    const page = await browser.context.newPage();
    const fragment = new URLSearchParams({ tgWebAppData: initDataFor(view.telegram.token, 55_555_555, Math.floor(clock.now().getTime() / 1000)) });
    await page.goto(`${view.base}/family/?elder=${family.elder.id}#${fragment.toString()}`);
    await page.waitForSelector('main > p.notice:not(#loading)');
    expect(await page.textContent('main')).toBe("This page can't be shown. Open it again from the chat with the assistant, or send /view there for a new link.");
    expect(await page.textContent('body')).not.toContain('Margaret');
    await page.close();
  });

  it('loads in two small requests: the page, then the week (page weight and time to first render are recorded)', async () => {
    const warm: LoadMeasure[] = [];
    for (let i = 0; i < 5; i++) {
      const { page, measure } = await openInTelegram(family.sarah.userId, LIGHT);
      warm.push(measure);
      await page.close();
    }
    const median = (pick: (m: LoadMeasure) => number): number => warm.map(pick).sort((a, b) => a - b)[2]!;
    measures.warmMedian = { bytes: median((m) => m.bytes), requests: median((m) => m.requests), firstPaintMs: median((m) => m.firstPaintMs), weekDrawnMs: median((m) => m.weekDrawnMs) };
    const cold = measures.caregiverLight!;
    const w = measures.warmMedian;
    process.stdout.write(
      `family view: ${w.bytes} bytes over the wire in ${w.requests} requests; first paint ${w.firstPaintMs.toFixed(0)} ms, week drawn ${w.weekDrawnMs.toFixed(0)} ms ` +
        `(median of 5); the first view after start ${cold.weekDrawnMs.toFixed(0)} ms (loads the chart library)\n`,
    );
    expect(w.requests).toBe(2);
    expect(w.bytes).toBeLessThan(60_000);
    expect(w.weekDrawnMs).toBeGreaterThan(0);
  });
});
