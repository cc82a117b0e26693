import type { SafetyCategory } from '../../tasks/family/emergency-help.ts';
import type { ConceptHit, ConceptMap } from './concepts.ts';
import type { CueConcept } from './cues.ts';
import type { SymptomConcept } from './lexicon.ts';

/** How serious a sign is on its own: call for help now, ask her, or despair. */
export type SignGrade = 'emergency' | 'concern' | 'despair';

/** A sign: concepts that together mean danger (chest + pain), and how composition may change its grade. */
export interface SignRule {
  id: string;
  category: SafetyCategory;
  grade: SignGrade;
  /** Every concept must occur in one sentence, the last starting at most `within` tokens after the first. */
  all: readonly SymptomConcept[];
  within?: number;
  /** The concepts must occur in the order given. */
  ordered?: boolean;
  /** A cue that, in the same sentence, names the sign's ordinary source and makes a concern nothing (a gardener, the neighbours' children). */
  ordinary?: readonly CueConcept[];
  /** A small thing just before it ("caught my card on fire", "the toast is on fire") makes an emergency a concern. */
  smallThing?: boolean;
  /** An event that happens to someone: its subject says who (or that it is a thing or an animal). */
  subject?: boolean;
  /** Only a person can have it: with no person named, words before it are its subject ("my card fell", "baton rouge fall"). */
  personOnly?: boolean;
  /** Danger to the elder whoever the subject is (an intruder, a fire). */
  aboutHome?: boolean;
  /** A present state ("can't get up"): a past word elsewhere in the sentence does not make it over. */
  state?: boolean;
  /** "A bit", "slightly" make an emergency a concern. */
  softens?: boolean;
  /** "A little" makes a concern nothing ("I bled a little"). */
  softNone?: boolean;
  /** "Very", "a lot", "suddenly" make a concern an emergency. */
  intensifies?: boolean;
  /** "Nearly" makes it a concern, not nothing ("nearly passed out"). */
  nearMissConcern?: boolean;
  /** A simple past ("had a stroke") is history unless a word says it is recent ("just", "this morning"). */
  needsRecent?: boolean;
  /** A question ("should I call an ambulance?") makes it a concern rather than nothing or an emergency. */
  questionConcern?: boolean;
  /** Despair said as a question ("what's the point of living?") is still despair. */
  rhetorical?: boolean;
  /** Doubt ("might have taken") makes it a concern. */
  doubtConcern?: boolean;
}

/** A sign found in the message, before composition. */
export interface FoundSign {
  rule: SignRule;
  start: number;
  end: number;
  sentence: number;
  /** The concept hits that make it up, for the explanation. */
  hits: ConceptHit[];
}

const E = 'emergency';
const C = 'concern';
const D = 'despair';

/** The signs, by category, written from the "when to call" guidance (see lexicon.ts). */
export const SIGN_RULES: readonly SignRule[] = [
  // Stroke (FAST / BE-FAST): face, arm, speech, sight, balance, sudden headache or confusion.
  { id: 'stroke.face_droop', category: 'stroke', grade: E, all: ['face', 'droop'], within: 8, subject: true },
  { id: 'stroke.face_numb_side', category: 'stroke', grade: E, all: ['face', 'numb', 'side'], within: 10, subject: true },
  { id: 'stroke.face_numb', category: 'stroke', grade: C, all: ['face', 'numb'], within: 6, subject: true, intensifies: true },
  { id: 'stroke.face_odd', category: 'stroke', grade: C, all: ['face', 'odd'], within: 5, subject: true },
  { id: 'stroke.arm_weak', category: 'stroke', grade: E, all: ['arm', 'weak'], within: 6, subject: true, softens: true },
  { id: 'stroke.arm_numb', category: 'stroke', grade: C, all: ['arm', 'numb'], within: 6, subject: true, intensifies: true },
  { id: 'stroke.arm_numb_side', category: 'stroke', grade: E, all: ['arm', 'numb', 'side'], within: 10, subject: true, softens: true },
  { id: 'stroke.leg_weak', category: 'stroke', grade: C, all: ['leg', 'weak'], within: 6, subject: true, intensifies: true },
  { id: 'stroke.side_weak', category: 'stroke', grade: E, all: ['side', 'weak'], within: 8, subject: true, softens: true },
  { id: 'stroke.side_numb', category: 'stroke', grade: E, all: ['side', 'numb'], within: 8, subject: true, softens: true },
  { id: 'stroke.speech', category: 'stroke', grade: E, all: ['slur'], subject: true },
  { id: 'stroke.speech_words', category: 'stroke', grade: E, all: ['speech', 'slurWeak'], within: 6, subject: true },
  { id: 'stroke.sight_sudden', category: 'stroke', grade: E, all: ['sudden', 'visionLoss'], within: 8, subject: true },
  { id: 'stroke.sight_lost', category: 'stroke', grade: E, all: ['blindNow'], subject: true },
  { id: 'stroke.sight', category: 'stroke', grade: C, all: ['visionLoss', 'vision'], within: 6, subject: true, intensifies: true },
  { id: 'stroke.headache_worst', category: 'stroke', grade: E, all: ['headache', 'worst'], within: 10, subject: true },
  { id: 'stroke.headache_sudden', category: 'stroke', grade: E, all: ['sudden', 'headache'], within: 10, subject: true },
  { id: 'stroke.confusion_sudden', category: 'stroke', grade: E, all: ['sudden', 'confused'], within: 8, subject: true },
  { id: 'stroke.balance', category: 'stroke', grade: C, all: ['balance'], subject: true, intensifies: true },
  { id: 'stroke.named', category: 'stroke', grade: E, all: ['nowHaving', 'strokeNamed'], within: 6, ordered: true, subject: true },
  { id: 'stroke.named_past', category: 'stroke', grade: E, all: ['hadForm', 'strokeNamed'], within: 4, ordered: true, subject: true, needsRecent: true },
  // Heart: chest pain, pressure or tightness; pain spreading to arm, jaw or back; racing heart and unwell.
  { id: 'heart.chest_pain', category: 'heart', grade: E, all: ['chest', 'pain'], within: 7, subject: true, softens: true },
  { id: 'heart.chest_pressure', category: 'heart', grade: E, all: ['chest', 'pressure'], within: 7, subject: true, softens: true },
  { id: 'heart.chest_odd', category: 'heart', grade: C, all: ['chest', 'odd'], within: 5, subject: true },
  { id: 'heart.spreading', category: 'heart', grade: C, all: ['pain', 'radiates'], within: 6, subject: true, intensifies: true },
  { id: 'heart.named', category: 'heart', grade: E, all: ['nowHaving', 'heartAttack'], within: 6, ordered: true, subject: true },
  { id: 'heart.named_past', category: 'heart', grade: E, all: ['hadForm', 'heartAttack'], within: 4, ordered: true, subject: true, needsRecent: true },
  { id: 'heart.racing', category: 'heart', grade: C, all: ['heart', 'heartRace'], within: 6, subject: true },
  { id: 'heart.sweat_sick', category: 'heart', grade: C, all: ['sweaty', 'sick'], within: 8, subject: true, intensifies: true },
  { id: 'heart.grey_clammy', category: 'heart', grade: E, all: ['greyClammy'], subject: true },
  // Breathing: can hardly breathe, blue lips, choking, wheeze the inhaler does not help.
  { id: 'breathing.cannot', category: 'breathing', grade: E, all: ['cantDo', 'breathe'], within: 5, ordered: true, subject: true, softens: true },
  { id: 'breathing.air_hunger', category: 'breathing', grade: E, all: ['airHunger'], subject: true },
  { id: 'breathing.blue', category: 'breathing', grade: E, all: ['bodyEdge', 'blue'], within: 6, subject: true },
  { id: 'breathing.choking', category: 'breathing', grade: E, all: ['choking'], subject: true, personOnly: true },
  { id: 'breathing.inhaler', category: 'breathing', grade: E, all: ['inhaler', 'notHelping'], within: 8, subject: true },
  { id: 'breathing.bad', category: 'breathing', grade: C, all: ['breathingBad'], subject: true, intensifies: true },
  { id: 'breathing.wheeze', category: 'breathing', grade: C, all: ['wheeze'], subject: true, intensifies: true },
  { id: 'breathing.breathless', category: 'breathing', grade: C, all: ['breathless'], subject: true, intensifies: true },
  // Fainting and dizziness.
  { id: 'faint.imminent', category: 'faint', grade: E, all: ['faintSoon'], subject: true, personOnly: true, nearMissConcern: true },
  { id: 'faint.feeling', category: 'faint', grade: C, all: ['faintFeel'], subject: true, intensifies: true },
  { id: 'faint.fainted', category: 'faint', grade: E, all: ['fainted'], subject: true, personOnly: true, nearMissConcern: true },
  { id: 'faint.dizzy', category: 'faint', grade: C, all: ['dizzy'], subject: true },
  { id: 'faint.dizzy_sweaty', category: 'faint', grade: E, all: ['dizzy', 'sweaty'], within: 10, subject: true },
  // Falls and being stuck.
  { id: 'fall.fell', category: 'fall', grade: C, all: ['fall'], subject: true, personOnly: true },
  { id: 'fall.just_fell', category: 'fall', grade: E, all: ['perfect', 'fall'], within: 1, ordered: true, subject: true, personOnly: true },
  { id: 'fall.on_floor', category: 'fall', grade: E, all: ['onFloor'], subject: true, personOnly: true, state: true },
  { id: 'fall.cannot_get_up', category: 'fall', grade: E, all: ['cantGetUp'], subject: true, state: true },
  { id: 'fall.with_pain', category: 'fall', grade: E, all: ['fall', 'pain'], within: 14, subject: true },
  { id: 'fall.with_injury', category: 'fall', grade: E, all: ['fall', 'broken'], within: 14, subject: true },
  { id: 'fall.with_blood', category: 'fall', grade: E, all: ['fall', 'blood'], within: 14, subject: true },
  { id: 'fall.head', category: 'fall', grade: E, all: ['fall', 'headHit'], within: 10, subject: true },
  { id: 'injury.broken_bone', category: 'injury', grade: E, all: ['brokenBone'], subject: true },
  { id: 'injury.swollen_joint', category: 'injury', grade: C, all: ['swell', 'hurtPart'], within: 6, subject: true },
  // Blood sugar (numbers are read in screen.ts).
  { id: 'sugar.hypo', category: 'sugar', grade: E, all: ['hypo'], subject: true },
  { id: 'sugar.low', category: 'sugar', grade: E, all: ['sugar', 'low'], within: 6, subject: true },
  { id: 'sugar.high', category: 'sugar', grade: C, all: ['sugar', 'high'], within: 6, subject: true, intensifies: true },
  { id: 'sugar.high_sick', category: 'sugar', grade: E, all: ['sugar', 'high', 'sick'], within: 14, subject: true },
  { id: 'sugar.shaky_sweaty', category: 'sugar', grade: C, all: ['shaky', 'sweaty'], within: 8, subject: true },
  { id: 'sugar.diabetic_shaky', category: 'sugar', grade: E, all: ['diabetic', 'shaky'], within: 12, subject: true },
  { id: 'sugar.shaky', category: 'sugar', grade: C, all: ['shaky'], subject: true },
  // Bleeding, burns, head injury, vomiting blood, severe pain, swelling of the airway, legs gone.
  { id: 'injury.bleeding_heavy', category: 'injury', grade: E, all: ['bleedHeavy'], subject: true },
  { id: 'injury.bleeding_much', category: 'injury', grade: E, all: ['blood', 'bleedMuch'], within: 6, subject: true },
  { id: 'injury.bleeding', category: 'injury', grade: C, all: ['bleeding'], subject: true, intensifies: true, softNone: true },
  { id: 'injury.cut', category: 'injury', grade: C, all: ['cut', 'bodyPart'], within: 4, ordered: true, subject: true, intensifies: true, softNone: true },
  { id: 'injury.burn', category: 'injury', grade: C, all: ['burn', 'bodyPart'], within: 5, subject: true, intensifies: true },
  { id: 'injury.burn_blister', category: 'injury', grade: E, all: ['burn', 'blister'], within: 16, subject: true },
  { id: 'injury.head', category: 'injury', grade: C, all: ['headHit'], subject: true, intensifies: true },
  { id: 'injury.head_sick', category: 'injury', grade: E, all: ['headHit', 'sick'], within: 12, subject: true },
  { id: 'injury.head_blood', category: 'injury', grade: E, all: ['headHit', 'blood'], within: 12, subject: true },
  // After a knock to the head: double vision, drowsiness, confusion, being sick.
  { id: 'injury.head_signs', category: 'injury', grade: E, all: ['headHit', 'headSign'], within: 16, subject: true },
  { id: 'injury.vomit_blood', category: 'injury', grade: E, all: ['sick', 'blood'], within: 8, subject: true },
  { id: 'injury.severe_pain', category: 'injury', grade: E, all: ['severePain'], subject: true },
  { id: 'injury.airway_swelling', category: 'injury', grade: E, all: ['airway', 'swell'], within: 8, subject: true },
  { id: 'injury.allergy', category: 'injury', grade: E, all: ['allergy'], subject: true },
  { id: 'injury.legs', category: 'injury', grade: E, all: ['legsGone'], subject: true },
  { id: 'injury.dying', category: 'injury', grade: E, all: ['dying'] },
  // Medicine mistakes: never a dose to record.
  { id: 'medicine.mistake', category: 'medicine', grade: E, all: ['took', 'medicine', 'twice'], within: 12, subject: true, doubtConcern: true },
  { id: 'medicine.overdose', category: 'medicine', grade: E, all: ['overdose'], subject: true, doubtConcern: true },
  { id: 'medicine.doubled', category: 'medicine', grade: E, all: ['tookTwice', 'medicine'], within: 10, subject: true, doubtConcern: true },
  // Danger at home.
  { id: 'home.intruder', category: 'home', grade: E, all: ['intruder'], aboutHome: true },
  { id: 'home.breaking_in', category: 'home', grade: E, all: ['someone', 'breakIn'], within: 10, aboutHome: true },
  { id: 'home.stranger_inside', category: 'home', grade: E, all: ['someone', 'inHouse', 'unknownPerson'], within: 14, aboutHome: true },
  { id: 'home.someone_inside', category: 'home', grade: C, all: ['someone', 'inHouse'], within: 8, aboutHome: true, ordinary: ['worker'] },
  { id: 'home.menace', category: 'home', grade: E, all: ['menace'], aboutHome: true },
  { id: 'home.glass', category: 'home', grade: E, all: ['hear', 'glassBreak'], within: 6, aboutHome: true },
  { id: 'home.noise', category: 'home', grade: C, all: ['hear', 'noise'], within: 6, aboutHome: true, ordinary: ['noiseSource'] },
  { id: 'home.fire', category: 'home', grade: E, all: ['fire'], aboutHome: true, smallThing: true },
  { id: 'home.smoke', category: 'home', grade: E, all: ['smoke', 'smokeSpread'], within: 5, aboutHome: true },
  { id: 'home.burning_smell', category: 'home', grade: C, all: ['smellBurning'], aboutHome: true, ordinary: ['cooking'] },
  // What she perceives of a fire: a burning smell or smoke with crackling, a glow, sparks or an alarm.
  { id: 'home.burning_signs', category: 'home', grade: E, all: ['smellBurning', 'fireSign'], within: 16, aboutHome: true },
  { id: 'home.smoke_signs', category: 'home', grade: E, all: ['smoke', 'fireSign'], within: 12, aboutHome: true },
  { id: 'home.burning_alarm', category: 'home', grade: E, all: ['smellBurning', 'alarm', 'sounding'], within: 14, aboutHome: true },
  { id: 'home.burning_and_alarm', category: 'home', grade: E, all: ['smellBurning', 'alarm'], within: 14, aboutHome: true },
  { id: 'home.smoke_alarm', category: 'home', grade: C, all: ['alarm', 'sounding'], within: 5, aboutHome: true },
  { id: 'home.gas', category: 'home', grade: E, all: ['gas'], aboutHome: true, questionConcern: true },
  { id: 'home.gas_left_on', category: 'home', grade: C, all: ['gasOn'], aboutHome: true },
  { id: 'home.carbon_monoxide', category: 'home', grade: E, all: ['coAlarm', 'coDanger'], within: 6, aboutHome: true },
  // An alarm sounding while she has a headache, feels sick or dizzy: carbon monoxide until shown otherwise.
  { id: 'home.alarm_headache', category: 'home', grade: E, all: ['anyAlarm', 'sounding', 'headache'], within: 18, aboutHome: true },
  { id: 'home.alarm_sick', category: 'home', grade: E, all: ['anyAlarm', 'sounding', 'sick'], within: 18, aboutHome: true },
  { id: 'home.alarm_drowsy', category: 'home', grade: E, all: ['anyAlarm', 'sounding', 'drowsy'], within: 18, aboutHome: true },
  // A heater, boiler or fire that smells or gives fumes while she has a headache, feels sick, dizzy or drowsy.
  { id: 'home.fumes_headache', category: 'home', grade: E, all: ['appliance', 'fumesSmell', 'headache'], within: 18, aboutHome: true },
  { id: 'home.fumes_sick', category: 'home', grade: E, all: ['appliance', 'fumesSmell', 'sick'], within: 18, aboutHome: true },
  { id: 'home.fumes_dizzy', category: 'home', grade: E, all: ['appliance', 'fumesSmell', 'dizzy'], within: 18, aboutHome: true },
  { id: 'home.fumes_drowsy', category: 'home', grade: E, all: ['appliance', 'fumesSmell', 'drowsy'], within: 18, aboutHome: true },
  { id: 'home.alarm_dizzy', category: 'home', grade: E, all: ['anyAlarm', 'sounding', 'dizzy'], within: 18, aboutHome: true },
  { id: 'home.flood_power', category: 'home', grade: E, all: ['flood', 'powerOff'], within: 16, aboutHome: true },
  { id: 'home.flood', category: 'home', grade: C, all: ['flood'], aboutHome: true, ordinary: ['repairing', 'weather'] },
  { id: 'home.cold', category: 'home', grade: E, all: ['noHeat', 'cantWarm'], within: 16, aboutHome: true },
  { id: 'home.no_heating', category: 'home', grade: C, all: ['noHeat', 'cold'], within: 16, aboutHome: true, ordinary: ['repairing'] },
  { id: 'home.cant_warm', category: 'home', grade: C, all: ['cantWarm'], aboutHome: true, intensifies: true },
  // Lost or confused.
  { id: 'lost.where', category: 'lost', grade: C, all: ['whereAmI'], subject: true, personOnly: true, state: true, ordinary: ['eyesight'] },
  { id: 'lost.unfamiliar', category: 'lost', grade: E, all: ['recognise', 'place'], within: 5, ordered: true, subject: true, state: true },
  { id: 'lost.way_home', category: 'lost', grade: E, all: ['wayHome'], subject: true, state: true },
  { id: 'lost.lost', category: 'lost', grade: C, all: ['lostSelf'], subject: true, personOnly: true, state: true },
  { id: 'lost.what_day', category: 'lost', grade: C, all: ['whatDay'], subject: true },
  { id: 'lost.confused', category: 'lost', grade: C, all: ['confused'], subject: true },
  // Despair.
  { id: 'despair.words', category: 'despair', grade: D, all: ['despair'], rhetorical: true },
  // Another person who cannot answer: collapsed, not breathing, a fit.
  { id: 'other.unresponsive', category: 'faint', grade: E, all: ['unresponsive'], subject: true, personOnly: true },
  { id: 'other.seizure', category: 'faint', grade: E, all: ['seizure'], subject: true, personOnly: true },
  // A colour change or no answer with another sign: grey and not answering, on the floor and not making sense.
  { id: 'other.colour_no_answer', category: 'faint', grade: E, all: ['colourDrain', 'notAnswering'], within: 16, subject: true, personOnly: true },
  { id: 'other.colour_collapse', category: 'faint', grade: E, all: ['colourDrain', 'fainted'], within: 16, subject: true, personOnly: true },
  { id: 'other.colour_breathing', category: 'breathing', grade: E, all: ['colourDrain', 'breathe'], within: 12, subject: true, personOnly: true },
  { id: 'other.floor_no_answer', category: 'faint', grade: E, all: ['onFloor', 'notAnswering'], within: 16, subject: true, personOnly: true },
  { id: 'other.fallen_no_answer', category: 'faint', grade: E, all: ['fall', 'notAnswering'], within: 16, subject: true, personOnly: true },
  { id: 'other.slumped_no_answer', category: 'faint', grade: E, all: ['slumped', 'notAnswering'], within: 16, subject: true, personOnly: true },
  { id: 'other.collapsed_no_answer', category: 'faint', grade: E, all: ['fainted', 'notAnswering'], within: 16, subject: true, personOnly: true },
  // A call for help (the bare "help!" is read in screen.ts).
  { id: 'help.ambulance', category: 'help', grade: E, all: ['callFor', 'ambulance'], within: 5, ordered: true, questionConcern: true },
  { id: 'help.police', category: 'help', grade: C, all: ['callFor', 'police'], within: 5, ordered: true },
  { id: 'help.emergency', category: 'help', grade: E, all: ['emergency'] },
  { id: 'help.send', category: 'help', grade: E, all: ['sendHelp'] },
  // Feeling unwell without a named sign: ask her.
  { id: 'unwell.feeling', category: 'unwell', grade: C, all: ['unwell'], subject: true },
  { id: 'unwell.scared', category: 'unwell', grade: C, all: ['distress'], subject: true },
];

const byFirstConcept = (rule: SignRule, map: ConceptMap): boolean => rule.all.every((c) => map.byConcept.has(c));

/** The tightest place in one sentence where every concept of the rule occurs (in order when asked), or null. */
function placeOf(rule: SignRule, map: ConceptMap): FoundSign | null {
  const within = rule.within ?? 8;
  let best: FoundSign | null = null;
  for (const first of map.byConcept.get(rule.all[0]!) ?? []) {
    const hits = [first];
    for (const concept of rule.all.slice(1)) {
      const previous = hits[hits.length - 1]!;
      let chosen: ConceptHit | undefined;
      for (const hit of map.byConcept.get(concept) ?? []) {
        if (hit.sentence !== first.sentence || (rule.ordered && hit.start < previous.end)) continue;
        const distance = Math.abs(hit.start - first.start);
        if (!chosen || distance < Math.abs(chosen.start - first.start)) chosen = hit;
      }
      if (!chosen) break;
      hits.push(chosen);
    }
    if (hits.length < rule.all.length) continue;
    const start = Math.min(...hits.map((h) => h.start));
    const end = Math.max(...hits.map((h) => h.end));
    // Distance is counted from the first word of the first concept to the first word of the last.
    if (Math.max(...hits.map((h) => h.start)) - start > within) continue;
    if (!best || end - start < best.end - best.start) best = { rule, start, end, sentence: first.sentence, hits };
  }
  return best;
}

/** The sign stage: every rule whose concepts occur together in the message, with where. */
export function findSigns(map: ConceptMap): FoundSign[] {
  const found: FoundSign[] = [];
  for (const rule of SIGN_RULES) {
    if (!byFirstConcept(rule, map)) continue;
    const place = placeOf(rule, map);
    if (place) found.push(place);
  }
  return found;
}
