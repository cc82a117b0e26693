import { createHmac } from 'node:crypto';
import type { Config } from '../../config.ts';
import { FamilyViewLinks, ViewLinkSigner } from '../../tasks/family/family-view-links.ts';

/**
 * The family view's links for a configuration, or undefined when the view is off (no PUBLIC_BASE_URL). Links are
 * signed with FAMILY_VIEW_SECRET, or else with a key derived from TELEGRAM_BOT_TOKEN: whoever holds the token can
 * already sign Telegram's initData for this bot, so the derived key opens nothing more (config.ts refuses a
 * base URL with neither).
 */
export function familyViewLinks(config: Pick<Config, 'PUBLIC_BASE_URL' | 'FAMILY_VIEW_SECRET' | 'TELEGRAM_BOT_TOKEN'>): FamilyViewLinks | undefined {
  if (!config.PUBLIC_BASE_URL) return undefined;
  const secret = config.FAMILY_VIEW_SECRET ?? (config.TELEGRAM_BOT_TOKEN ? createHmac('sha256', 'family-view-secret').update(config.TELEGRAM_BOT_TOKEN).digest() : undefined);
  if (!secret) return undefined;
  return new FamilyViewLinks({ baseUrl: config.PUBLIC_BASE_URL, signer: new ViewLinkSigner(secret) });
}
