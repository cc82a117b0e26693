import { describe, it, expect } from '@jest/globals';
import { buildDoseWeek, type DoseWeekFacts } from '../../src/tasks/medicines/dose-week.ts';
import { adherenceChartSpec, adherenceChartSvg, MARK_STYLE } from '../../src/tasks/medicines/adherence-chart.ts';

const at = (iso: string): Date => new Date(iso);
const schedule = (id: string, medicine: string, times: string[], status: 'active' | 'paused' | 'stopped' = 'active') => ({
  id,
  medicine,
  dose: '5mg',
  status,
  times,
  days: null,
  startDate: null,
  endDate: null,
  timezone: 'Europe/London',
});
/** A dose due at `iso` (London is on UTC in November, so its local time is the UTC one unless given). */
const dose = (scheduleId: string, iso: string, status: 'pending' | 'taken' | 'skipped' | 'missed', answeredIso?: string, localTime = iso.slice(11, 16)) => ({
  scheduleId,
  dueAt: at(iso),
  localTime,
  status,
  answeredAt: answeredIso ? at(answeredIso) : status === 'taken' || status === 'skipped' ? at(iso) : null,
});
const facts = (overrides: Partial<DoseWeekFacts>): DoseWeekFacts => ({
  today: '2026-11-25',
  dayCount: 8,
  timezone: 'Europe/London',
  now: at('2026-11-25T12:00:00Z'),
  schedules: [],
  doses: [],
  lateAfterMs: 30 * 60_000,
  ...overrides,
});

describe('a dose week: doses per medicine and local day', () => {
  it('marks each recorded dose on its day: taken, late (more than the re-reminder delay after), skipped, missed, not answered', () => {
    const week = buildDoseWeek(
      facts({
        schedules: [schedule('a', 'Aspirin', ['08:00'])],
        doses: [
          dose('a', '2026-11-18T08:00:00Z', 'taken', '2026-11-18T08:30:00Z'),
          dose('a', '2026-11-19T08:00:00Z', 'taken', '2026-11-19T08:31:00Z'),
          dose('a', '2026-11-20T08:00:00Z', 'skipped'),
          dose('a', '2026-11-21T08:00:00Z', 'missed'),
          dose('a', '2026-11-25T08:00:00Z', 'pending'),
        ],
      }),
    );
    expect(week.dates).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    expect(week.medicines[0]!.days.map((d) => d.map((x) => x.mark).join(',') || '-')).toEqual(['taken', 'late', 'skipped', 'missed', '-', '-', '-', 'pending']);
    // The week's totals leave out the eighth day back (the 18th).
    expect(week.totals).toEqual({ taken: 0, late: 1, skipped: 1, missed: 1 });
  });

  it("adds today's doses still to come, and one just due that the sweep has not sent yet, but never a past dose that was never sent", () => {
    const week = buildDoseWeek(facts({ now: at('2026-11-25T13:02:00Z'), schedules: [schedule('a', 'Aspirin', ['08:00', '13:00', '21:00'])] }));
    expect(week.medicines[0]!.days[7]).toEqual([
      { localTime: '13:00', mark: 'pending' },
      { localTime: '21:00', mark: 'to-come' },
    ]);
  });

  it('places doses on the local day, across a change of clocks (Sydney, first Sunday of April)', () => {
    const aspirin = { ...schedule('a', 'Aspirin', ['08:00']), timezone: 'Australia/Sydney' };
    // 8:00 am on Saturday 4 April (+11) and on Sunday 5 April, after clocks went back at 3:00 (+10); now 11:00 am on Sunday.
    const week = buildDoseWeek(facts({ today: '2026-04-05', timezone: 'Australia/Sydney', now: at('2026-04-05T01:00:00Z'), schedules: [aspirin], doses: [dose('a', '2026-04-03T21:00:00Z', 'taken', undefined, '08:00'), dose('a', '2026-04-04T22:00:00Z', 'taken', undefined, '08:00')] }));
    expect(week.medicines[0]!.days.map((d) => d.map((x) => `${x.localTime} ${x.mark}`).join())).toEqual(['', '', '', '', '', '', '08:00 taken', '08:00 taken']);
  });

  it('lists active and paused medicines by name, and a stopped one only with a dose in the week', () => {
    const week = buildDoseWeek(
      facts({
        schedules: [schedule('z', 'Zopiclone', ['22:00'], 'paused'), schedule('s', 'Statin', ['20:00'], 'stopped'), schedule('o', 'Old', ['20:00'], 'stopped'), schedule('a', 'Aspirin', ['08:00'])],
        doses: [dose('s', '2026-11-20T20:00:00Z', 'taken')],
      }),
    );
    expect(week.medicines.map((m) => [m.name, m.status])).toEqual([
      ['Aspirin 5mg', 'active'],
      ['Statin 5mg', 'stopped'],
      ['Zopiclone 5mg', 'paused'],
    ]);
  });
});

describe('the week chart (one description for the page and the PNG)', () => {
  const week = buildDoseWeek(
    facts({
      schedules: [schedule('a', 'Aspirin', ['08:00']), schedule('d', 'Donepezil', ['21:00'])],
      doses: [dose('a', '2026-11-24T08:00:00Z', 'taken'), dose('a', '2026-11-23T08:00:00Z', 'missed'), dose('d', '2026-11-24T21:00:00Z', 'skipped')],
    }),
  );

  it('has a title in words, one row per medicine, and a mark per dose coloured by how it was answered', () => {
    const spec = adherenceChartSpec('Margaret Smith', week, 'png') as unknown as { title: { text: string }; data: { values: Record<string, unknown>[] }; encoding: { y: { scale: { domain: string[] } }; color: { scale: { domain: string[]; range: string[] } } } };
    expect(spec.title.text).toBe('Margaret took 1 of 3 doses this week');
    expect(spec.encoding.y.scale.domain).toEqual(['Aspirin 5mg', 'Donepezil 5mg']);
    expect(spec.data.values).toEqual(
      expect.arrayContaining([
        { medicine: 'Aspirin 5mg', day: 'Mon 23', slot: 0, mark: 'Missed', time: '08:00' },
        { medicine: 'Aspirin 5mg', day: 'Tue 24', slot: 0, mark: 'Taken', time: '08:00' },
        { medicine: 'Donepezil 5mg', day: 'Tue 24', slot: 0, mark: 'Skipped', time: '21:00' },
      ]),
    );
    expect(spec.encoding.color.scale).toEqual({
      domain: ['Taken', 'Skipped', 'Missed', 'Still to come'],
      range: [MARK_STYLE.taken.colour, MARK_STYLE.skipped.colour, MARK_STYLE.missed.colour, MARK_STYLE['to-come'].colour],
    });
  });

  it('says so when nothing was answered yet', () => {
    const empty = buildDoseWeek(facts({}));
    expect((adherenceChartSpec('Margaret', empty, 'page') as unknown as { title: { text: string } }).title.text).toBe('Margaret has no answered doses this week yet');
  });

  it('keeps names as text in the SVG: a medicine called like markup stays words', async () => {
    const odd = buildDoseWeek(facts({ schedules: [schedule('x', '<img src=x onerror=alert(1)> "Pills"', ['08:00'])], doses: [dose('x', '2026-11-24T08:00:00Z', 'taken')] }));
    const svg = await adherenceChartSvg('Margaret', odd);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).not.toMatch(/\son[a-z]+\s*=\s*"/i);
  });
});
