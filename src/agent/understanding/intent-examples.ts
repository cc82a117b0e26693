import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the example files of the intent classifier live: one `<class>.txt` per class, and `slots.txt`. */
export const EXAMPLES_DIR = fileURLToPath(new URL('./examples/', import.meta.url));

/** One training sentence and the class it belongs to. */
export interface IntentExample {
  text: string;
  intent: string;
}

/** A small deterministic random source (mulberry32), so every training run sees the same examples in the same order. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads `slots.txt`: lines of `name: value | value | …`, the fillers of `{name}` in the example lines. */
export function parseSlots(text: string): Map<string, string[]> {
  const slots = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`slots.txt: expected "name: a | b", got "${line}"`);
    const name = line.slice(0, colon).trim();
    const values = line.slice(colon + 1).split('|').map((v) => v.trim()).filter(Boolean);
    slots.set(name, [...(slots.get(name) ?? []), ...values]);
  }
  return slots;
}

/** The choices of one example line: literal text, an alternation "(a|b|)", or a slot "{name}". */
type Part = string[];

function partsOf(line: string, slots: Map<string, string[]>): Part[] {
  const parts: Part[] = [];
  const re = /\(([^()]*)\)|\{(\w+)\}|[^({]+/g;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) parts.push(m[1].split('|'));
    else if (m[2] !== undefined) {
      const values = slots.get(m[2]);
      if (!values) throw new Error(`unknown slot {${m[2]}} in "${line}"`);
      parts.push(values);
    } else parts.push([m[0]]);
  }
  return parts;
}

/**
 * Expands one example line into at most `limit` sentences: every combination when there are few, otherwise
 * a deterministic sample. "(a|b)" chooses between words, "(a|)" makes them optional, "{venue}" takes a filler.
 */
export function expandLine(line: string, slots: Map<string, string[]>, limit: number, random: () => number): string[] {
  const parts = partsOf(line, slots);
  const total = parts.reduce((n, p) => n * p.length, 1);
  const tidy = (s: string): string => s.replace(/\s+/g, ' ').replace(/\s+([,.!?])/g, '$1').trim();
  const out = new Set<string>();
  if (total <= limit) {
    let combos = [''];
    for (const part of parts) combos = combos.flatMap((c) => part.map((p) => c + p));
    for (const c of combos) out.add(tidy(c));
  } else {
    for (let tries = 0; out.size < limit && tries < limit * 4; tries++) {
      out.add(tidy(parts.map((p) => p[Math.floor(random() * p.length)] ?? '').join('')));
    }
  }
  return [...out].filter(Boolean);
}

/** Reads every `<class>.txt` of a folder (one example line each, `#` for comments) and expands it. */
export function readExampleFiles(dir: string, limitPerLine: number, seed: number): IntentExample[] {
  const slots = parseSlots(readFileSync(join(dir, 'slots.txt'), 'utf8'));
  const random = seededRandom(seed);
  const examples: IntentExample[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt') && f !== 'slots.txt').sort()) {
    const intent = file.replace(/\.txt$/, '');
    for (const raw of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      for (const text of expandLine(line, slots, limitPerLine, random)) examples.push({ text, intent });
    }
  }
  return examples;
}
