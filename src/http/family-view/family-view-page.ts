import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { assetPath } from '../../lib/assets.ts';

/** The family view's page: one HTML file with its style and script inline (one request), and the headers it needs. */
export interface FamilyViewPage {
  html: Buffer;
  gzipped: Buffer;
  /** Allows exactly the inline style and script by hash, data from this origin only, and Telegram's web client as a frame parent. */
  contentSecurityPolicy: string;
}

const asset = (name: string): string => readFileSync(assetPath(`family-view/${name}`), 'utf8');
const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Builds the page from assets/family-view (index.html, family-view.css, family-view.js) once at start. The
 * page holds no data: it is the same for everyone, and fetches the week with the proof it was opened with.
 */
export function buildFamilyViewPage(): FamilyViewPage {
  const style = asset('family-view.css');
  const script = asset('family-view.js');
  const html = asset('index.html').replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    // The chart's SVG carries presentation attributes only; the page's own style is pinned by its hash.
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    // Telegram's web client shows a Mini App in a frame; its apps use a web view (no frame).
    "frame-ancestors 'self' https://web.telegram.org",
  ].join('; ');
  const bytes = Buffer.from(html);
  return { html: bytes, gzipped: gzipSync(bytes, { level: 9 }), contentSecurityPolicy };
}
