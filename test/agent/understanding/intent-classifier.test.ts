import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClock } from '../../../src/agent/understanding/clock.ts';
import { EXAMPLES_DIR, expandLine, parseSlots, readExampleFiles, seededRandom } from '../../../src/agent/understanding/intent-examples.ts';
import { featureVector, hashFeatures, namedFeatures } from '../../../src/agent/understanding/intent-features.ts';
import { INTENT_MODEL_FILE, IntentClassifier, intentClassifier, intentModelFileSchema } from '../../../src/agent/understanding/intent-classifier.ts';
import { INTENT_CLASSES, corpusClass } from '../../../src/agent/understanding/intent-corpora.ts';
import { DEFAULT_FEATURES, buildIntentModel, trainingExamples } from '../../../src/agent/understanding/intent-model-builder.ts';
import { readMessage } from '../../../src/agent/understanding/message.ts';

const clock = makeClock('2026-11-24T10:00', 'Europe/London');
const aMessageOf = (text: string) => readMessage(text, clock);

describe('the example files', () => {
  it('expand alternations, optional words and slots, the same way on every run', () => {
    const slots = parseSlots('venue: the Swan | Luigi\'s\n');
    const lines = expandLine('(please |)book {venue} (today|tomorrow)', slots, 10, seededRandom(1));
    expect(lines.sort()).toEqual(
      ['book Luigi\'s today', 'book Luigi\'s tomorrow', 'book the Swan today', 'book the Swan tomorrow', "please book Luigi's today", "please book Luigi's tomorrow", 'please book the Swan today', 'please book the Swan tomorrow'].sort(),
    );
    const sampled = expandLine('(a|b|c|d) (e|f|g|h) (i|j|k|l)', slots, 5, seededRandom(7));
    expect(sampled).toHaveLength(5);
    expect(expandLine('(a|b|c|d) (e|f|g|h) (i|j|k|l)', slots, 5, seededRandom(7))).toEqual(sampled);
  });

  it('refuse an unknown slot with the line that names it', () => {
    expect(() => expandLine('book {nowhere}', new Map(), 3, seededRandom(1))).toThrow('unknown slot {nowhere} in "book {nowhere}"');
  });

  it('have one file for every class of the classifier, and no other', () => {
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.txt') && f !== 'slots.txt').map((f) => f.replace(/\.txt$/, ''));
    expect(files.sort()).toEqual([...INTENT_CLASSES].sort());
  });

  it('are what the committed weights were trained on: an edited example file needs `npm run train`', () => {
    const model = intentModelFileSchema.parse(JSON.parse(readFileSync(INTENT_MODEL_FILE, 'utf8')));
    const sources = model.training['sources'] as { source: string; sentences: number }[];
    expect(sources.find((s) => s.source === 'examples')?.sentences).toBe(trainingExamples({}).examples.length);
  });
});

describe('the public corpora as training data', () => {
  it('maps their intents to our classes and leaves the ones that could go either way out', () => {
    expect(corpusClass('restaurant_reservation')).toBe('book_restaurant');
    expect(corpusClass('reminder_update')).toBe('set_reminder');
    expect(corpusClass('calendar')).toBe('get_schedule');
    expect(corpusClass('greeting')).toBe('chat');
    expect(corpusClass('alarm')).toBeNull();
    expect(corpusClass('spending_history')).toBe('out_of_scope');
    expect(corpusClass('oos')).toBe('out_of_scope');
  });
});

describe('the features', () => {
  it('are the same hashed one by one as by name, so an explanation names what the classifier used', () => {
    for (const text of ['Book a table for 4 at the Swan tomorrow at 7pm', 'I have taken Thyronorm', 'hi']) {
      const fast = featureVector(aMessageOf(text), DEFAULT_FEATURES);
      const named = hashFeatures(namedFeatures(aMessageOf(text), DEFAULT_FEATURES), DEFAULT_FEATURES.buckets);
      const asMap = (v: typeof fast) => new Map([...v.indices].map((bucket, i) => [bucket, Math.round(v.values[i]! * 1e5)]));
      expect(asMap(fast)).toEqual(asMap(named));
    }
  });

  it('read times and dates as one word, so wording and not the hour decides', () => {
    const names = [...namedFeatures(aMessageOf('remind me at 7pm tomorrow to call Sarah'), DEFAULT_FEATURES).keys()];
    expect(names).toContain('w:_when_');
    expect(names).not.toContain('w:7pm');
    expect(names).toContain('s:time');
  });
});

describe('training', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'intent-examples-'));
    writeFileSync(join(dir, 'slots.txt'), 'who: my daughter | my son | Sarah\nthing: the bins out | the cat in | the washing in\n');
    writeFileSync(join(dir, 'notify_family.txt'), '(tell|message) {who} (i am fine|i got home|the boiler is fixed)\nlet {who} know (i am fine|i am home)\n');
    writeFileSync(join(dir, 'set_reminder.txt'), 'remind me to put {thing} (at 6|tomorrow|tonight)\n(don\'t let me forget|help me remember) to put {thing}\n');
    writeFileSync(join(dir, 'chat.txt'), '(hello|hi|good morning)( there|)\n(thank you|thanks)( dear|)\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same weights from the same examples, and learns them', () => {
    const settings = { examplesDir: dir, training: { epochs: 8, learningRate: 0.3, l2: 1e-5, seed: 3 }, minCount: 1 };
    const first = buildIntentModel(settings);
    expect(buildIntentModel(settings).weights).toBe(first.weights);
    const classifier = IntentClassifier.fromFile(first);
    expect(classifier.rank(aMessageOf('tell my son the boiler is fixed'))[0]!.intent).toBe('notify_family');
    expect(classifier.rank(aMessageOf('remind me to put the bins out at 6'))[0]!.intent).toBe('set_reminder');
    expect(classifier.rank(aMessageOf('good morning'))[0]!.intent).toBe('chat');
  });

  it('leaves out words seen in fewer sentences than minCount, so a name seen once carries no weight', () => {
    const rare = buildIntentModel({ examplesDir: dir, training: { epochs: 4, learningRate: 0.3, l2: 1e-5, seed: 3 }, minCount: 100 });
    const classifier = IntentClassifier.fromFile(rare);
    expect(classifier.explain(aMessageOf('tell Sarah'), 'notify_family', 50).filter((f) => f.feature.startsWith('w:') && f.weight !== 0)).toEqual([]);
  });
});

describe('the committed classifier', () => {
  it('ranks every class with probabilities that add up to one', () => {
    const ranking = intentClassifier().rank(aMessageOf('book a table for 2 at the Swan on Friday at 7pm'));
    expect(ranking.map((s) => s.intent).sort()).toEqual([...INTENT_CLASSES].sort());
    expect(ranking.reduce((sum, s) => sum + s.score, 0)).toBeCloseTo(1, 5);
    expect(ranking[0]!.intent).toBe('book_restaurant');
  });

  it('explains a decision by the features that pushed most towards the class', () => {
    const top = intentClassifier().explain(aMessageOf('remind me to call Sarah tomorrow at 5pm'), 'set_reminder', 3);
    expect(top).toHaveLength(3);
    expect(top[0]!.weight).toBeGreaterThanOrEqual(top[2]!.weight);
    expect(top.some((f) => /remind/.test(f.feature))).toBe(true);
  });

  it('refuses a weights file of the wrong shape with the field that is wrong', () => {
    const model = JSON.parse(readFileSync(INTENT_MODEL_FILE, 'utf8')) as Record<string, unknown>;
    expect(() => IntentClassifier.fromFile({ ...model, format: 2 })).toThrow(/format/);
    expect(() => IntentClassifier.fromFile({ ...model, weights: Buffer.from([1, 2, 3]).toString('base64') })).toThrow(/expected \d+ values, got 3/);
  });
});

describe('the examples read as a whole', () => {
  it('count every class, and more than a handful of sentences each', () => {
    const examples = readExampleFiles(EXAMPLES_DIR, 6, 15);
    for (const intent of INTENT_CLASSES) expect(examples.filter((e) => e.intent === intent).length).toBeGreaterThan(50);
  });
});
