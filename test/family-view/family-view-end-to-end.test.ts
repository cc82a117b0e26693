import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { whatsAppText } from '../../src/bots/whatsapp/whatsapp-mapping.ts';
import { MODES } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aTelegramUser, type TgUser } from '../support/fake-telegram-server.ts';
import { aFamilyMember, anElder, aMedicationSchedule, unusedAgent } from '../support/factories.ts';
import { aDose, at } from '../medicines/medicine-factories.ts';
import { launchChromium } from '../support/browser.ts';
import { SEEDED_NOW, aSeededFamily, initDataFor, startViewApp, type SeededFamily, type ViewApp } from './view-fixtures.ts';

// A family on Telegram (the real adapter against the fake Bot API) and one on WhatsApp (a fake channel), from the
// message in the chat to the page in a real browser.
describe.each(MODES)('the family view from the chat to the browser (%s)', (mode) => {
  let view: ViewApp;
  let family: SeededFamily;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const whatsapp = new FakeChannel('whatsapp');
  const clock = new FakeClock(SEEDED_NOW);

  beforeAll(async () => {
    view = await startViewApp(mode, { clock, agent: unusedAgent, channels: [whatsapp] });
    family = await aSeededFamily(view.app.orm);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await view?.stop();
  });

  /** Opens a URL in Chromium and waits for the week (or the refusal), returning the page's main text. */
  async function open(url: string): Promise<{ text: string; buttons: number; close(): Promise<void>; click(selector: string): Promise<void>; waitFor(selector: string): Promise<void> }> {
    const page = await browser.context.newPage();
    await page.goto(url);
    // The week, or the refusal in place of "Loading…" (a selector: the page's CSP forbids evaluating strings).
    await page.waitForSelector('main[data-ready="true"], main > p.notice:not(#loading)', { timeout: 20_000 });
    return {
      text: (await page.textContent('main')) ?? '',
      buttons: (await page.$$('button[data-action]')).length,
      close: () => page.close(),
      click: (selector) => page.click(selector),
      waitFor: async (selector) => void (await page.waitForSelector(selector)),
    };
  }

  /** A user writes to the bot privately; resolves with the bot's next message to them. */
  async function say(user: TgUser, text: string, match: RegExp) {
    fake().userSays(user, text);
    return fake().waitForMessage(user.id, (m) => match.test(m.text ?? ''));
  }
  const fake = () => view.telegram;

  it('puts "See Margaret\'s week" under the daily summary in the family group; the button opens the week in a browser', async () => {
    clock.set('2026-11-25T20:00:00Z');
    await view.app.tick();
    const summary = await fake().waitForMessage(family.circle.groupChatId, (m) => (m.text ?? '').startsWith("Margaret Smith's Wednesday 25 November:"));
    const [button] = summary.reply_markup!.inline_keyboard.flat();
    // In a group Telegram allows no Mini App button: a link signed for the group.
    expect(button).toEqual({ text: "See Margaret's week", url: expect.stringMatching(new RegExp(`^${view.base}/family/#link=fv1\\.`)) });
    const page = await open(button!.url!);
    expect(page.text).toContain("Margaret Smith's week");
    expect(page.text).toContain('Margaret took 17 of 19 doses this week');
    expect(page.buttons).toBe(0);
    await page.close();

    // In Sarah's private chat the same summary carries a Mini App button: Telegram adds who she is.
    const hers = await fake().waitForMessage(family.sarah.userId, (m) => (m.text ?? '').startsWith("Margaret Smith's Wednesday 25 November:"));
    const [miniApp] = hers.reply_markup!.inline_keyboard.flat();
    expect(miniApp).toEqual({ text: "See Margaret's week", web_app: { url: `${view.base}/family/?elder=${family.elder.id}` } });
    const fragment = new URLSearchParams({ tgWebAppData: initDataFor(fake().token, family.sarah.userId, Math.floor(clock.now().getTime() / 1000)), tgWebAppVersion: '8.0' });
    const mini = await open(`${miniApp!.web_app!.url}#${fragment.toString()}`);
    expect(mini.text).toContain('Margaret took 17 of 19 doses this week');
    await mini.click(`button[data-action="pause"][data-schedule="${family.donepezil.id}"]`);
    await mini.click('#confirm-yes');
    await mini.waitFor(`button[data-action="resume"][data-schedule="${family.donepezil.id}"]`);
    expect((await view.app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: family.donepezil.id })).status).toBe('paused');
    await mini.close();
    // Margaret hears it in her own chat, as when it is done in chat.
    await fake().waitForMessage(family.margaret.userId, (m) => m.text === 'Sarah paused Donepezil 5mg. No reminders until it is resumed.');
  });

  it('pins the week to the menu button of a family member who joins, and /view gives the Mini App button', async () => {
    const margaret: TgUser = { id: family.margaret.userId, is_bot: false, first_name: 'Margaret' };
    fake().userSays(margaret, '/invite');
    const codeMessage = await fake().waitForMessage(margaret.id, (m) => /^FAMILY-/.test(m.text ?? ''));
    const ann = aTelegramUser({ first_name: 'Ann' });
    await say(ann, `/join ${codeMessage.text}`, /^Welcome!/);
    const menu = await fake().waitForCall((c) => c.method === 'setChatMenuButton' && String(c.params.chat_id) === String(ann.id));
    expect(menu.params.menu_button).toEqual({ type: 'web_app', text: "Margaret's week", web_app: { url: `${view.base}/family/` } });

    const reply = await say(ann, '/view', /^Here is Margaret Smith's week\./);
    expect(reply.reply_markup!.inline_keyboard.flat()).toEqual([{ text: "See Margaret's week", web_app: { url: `${view.base}/family/?elder=${family.elder.id}` } }]);
    // The menu button's page, opened by Ann: her first linked elder.
    const fragment = new URLSearchParams({ tgWebAppData: initDataFor(fake().token, ann.id, Math.floor(clock.now().getTime() / 1000), 'Ann') });
    const page = await open(`${view.base}/family/#${fragment.toString()}`);
    expect(page.text).toContain("Margaret Smith's week");
    expect(page.buttons).toBe(0);
    await page.close();
  });

  it("sends a WhatsApp family member a link of their own with /view; it opens the week, and a tampered one doesn't", async () => {
    const { elder } = await anElder(view.app.orm, { name: 'Doris Hall', channel: 'whatsapp' });
    const { account: june } = await aFamilyMember(view.app.orm, elder, { channel: 'whatsapp', name: 'June' });
    const pills = await aMedicationSchedule(view.app.orm, elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
    await aDose(view.app.orm, pills, at('2026-11-24T09:00:00Z'), '09:00', 'taken');
    await whatsapp.say(june.externalUserId, '/view');
    const sent = await whatsapp.waitFor((m) => m.chatId === june.chatId && m.text.startsWith("Here is Doris Hall's week."));
    const text = whatsAppText(sent);
    const url = /See Doris's week: (\S+)/.exec(text)?.[1];
    expect(url).toMatch(new RegExp(`^${view.base}/family/#link=fv1\\.`));
    expect(text).toContain('The link is for you only and works for 24 hours');

    const page = await open(url!);
    expect(page.text).toContain("Doris Hall's week");
    expect(page.text).toContain('Doris took 1 of 1 dose this week');
    await page.close();

    const tampered = url!.replace(/\.([A-Za-z0-9_-])([A-Za-z0-9_-]*)$/, (_m, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`);
    const refused = await open(tampered);
    expect(refused.text).toBe("This page can't be shown. Open it again from the chat with the assistant, or send /view there for a new link.");
    await refused.close();
  });
});
