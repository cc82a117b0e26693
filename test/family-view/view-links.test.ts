import { describe, it, expect } from '@jest/globals';
import { FamilyViewLinks, MAX_VIEW_LINK_HOURS, ViewLinkSigner } from '../../src/tasks/family/family-view-links.ts';

const NOW = new Date('2026-11-25T19:00:00Z');
const hoursLater = (h: number): Date => new Date(NOW.getTime() + h * 3_600_000);
const ELDER = '5b0f8a52-58f4-4a8e-9d0e-0a4a3f1d2c11';
const PERSON = '9c2e1c7d-0f6b-4b63-a3b2-6ad3c1f4e8a0';
const signer = new ViewLinkSigner('a secret of at least thirty-two characters!');

describe('signed family view links', () => {
  it('say who holds them, which elder they show and until when, while they last', () => {
    const token = signer.sign({ holder: { kind: 'account', id: PERSON }, elderId: ELDER, expiresAt: hoursLater(24) }, NOW);
    expect(token).toMatch(/^fv1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token, hoursLater(23.9))).toEqual({ holder: { kind: 'account', id: PERSON }, elderId: ELDER, expiresAt: hoursLater(24) });
    expect(signer.verify(token, hoursLater(24))).toBeNull();
  });

  it('are never signed for longer than a day', () => {
    expect(() => signer.sign({ holder: { kind: 'circle', id: PERSON }, elderId: ELDER, expiresAt: hoursLater(MAX_VIEW_LINK_HOURS + 1) }, NOW)).toThrow(RangeError);
  });

  it('are refused when any part is changed, or when signed with another secret', () => {
    const token = signer.sign({ holder: { kind: 'account', id: PERSON }, elderId: ELDER, expiresAt: hoursLater(1) }, NOW);
    const [prefix, payload, mac] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const longer = Buffer.from(JSON.stringify({ ...claims, x: (claims.x as number) + 3600 })).toString('base64url');
    for (const forged of [`${prefix}.${longer}.${mac}`, `${prefix}.${payload}.${mac.slice(0, -1)}A`, `fv2.${payload}.${mac}`, `${payload}.${mac}`, `${token}.x`, 'fv1..']) {
      expect([forged, signer.verify(forged, NOW)]).toEqual([forged, null]);
    }
    expect(new ViewLinkSigner('another secret of at least thirty-two characters').verify(token, NOW)).toBeNull();
  });

  it('become buttons: the page itself in a Telegram private chat, a link signed for the person or the group elsewhere', () => {
    const links = new FamilyViewLinks({ baseUrl: 'https://view.example.org/', signer });
    const elder = { id: ELDER, name: 'Margaret Smith' };
    expect(links.buttonFor({ channel: 'telegram', accountId: PERSON }, elder, NOW)).toEqual({ label: "See Margaret's week", data: '', url: `https://view.example.org/family/?elder=${ELDER}` });
    const whatsapp = links.buttonFor({ channel: 'whatsapp', accountId: PERSON }, elder, NOW)!;
    expect(signer.verify(whatsapp.url!.split('#link=')[1]!, NOW)).toEqual({ holder: { kind: 'account', id: PERSON }, elderId: ELDER, expiresAt: hoursLater(24) });
    const group = links.buttonFor({ channel: 'telegram', accountId: null, circleId: PERSON }, elder, NOW)!;
    expect(signer.verify(group.url!.split('#link=')[1]!, NOW)?.holder).toEqual({ kind: 'circle', id: PERSON });
    expect(links.buttonFor({ channel: 'telegram', accountId: null }, elder, NOW)).toBeNull();
  });
});
