import { describe, expect, it } from 'vitest';
import type { FactPayload } from '../../server/staging/facts.ts';
import { reduceGroup } from '../../server/staging/reduce.ts';

const fact = (sub: FactPayload['sub'], v: FactPayload['v'], at: [number, number]): FactPayload => ({
  sub,
  v,
  s: Object.fromEntries(Object.keys(v).map((k, i) => [k, [at[0], at[1], i] as const])),
  i: [],
  at,
});

describe('reduceGroup', () => {
  it('aggregates training, messages, surveys and engagement into one person’s metrics', () => {
    const r = reduceGroup('metrics', 'u-1', [
      fact('engagement', { engagementScore: 61.5 }, [1, 1]),
      fact(
        'training',
        { courseName: 'Safety', startedAt: '2026-01-01', completedAt: '2026-01-05', quizScore: 80 },
        [2, 1],
      ),
      fact('training', { courseName: 'GDPR', startedAt: '2026-02-01', quizScore: 90.555 }, [2, 2]),
      fact(
        'training',
        { courseName: 'Safety', startedAt: '2026-01-01', status: 'Completed', quizScore: 70 },
        [2, 3],
      ),
      fact('messages', { openRate: 40, clickRate: 5, deliveryStatus: 'delivered', messageCount: 10 }, [3, 1]),
      fact('messages', { openRate: 45, deliveryStatus: 'bounced', messageCount: 12 }, [3, 2]),
      fact(
        'surveys',
        { surveyName: 'Pulse 1', surveyDate: '2026-03-01', responseStatus: 'answered', score: 7 },
        [4, 1],
      ),
      fact(
        'surveys',
        { surveyName: 'Pulse 2', surveyDate: '2026-04-01', responseStatus: 'skipped', score: 8 },
        [4, 2],
      ),
      fact('engagement', { engagementScore: 72.25 }, [1, 2]),
    ]);
    expect(r.records[0]?.data).toEqual({
      personId: 'u-1',
      engagementScore: 72.25,
      coursesStarted: 2,
      coursesCompleted: 1,
      lastTrainingDate: '2026-02-01',
      quizAverage: 80.19,
      messageOpenRate: 45,
      messageClickRate: 5,
      messageDeliveryStatus: 'bounced',
      messageCount: 12,
      lastSurveyResponse: '2026-04-01 – skipped',
      surveyScore: 7.5,
    });
    expect(r.records[0]?.provenance.engagementScore).toEqual([1, 2, 0]);
  });

  it('lets the newest row win and names the fields that disagreed', () => {
    const r = reduceGroup('person', 'd-1', [
      fact('users', { actimoId: 'd-1', email: 'old@x.dk', jobTitle: 'Rep' }, [1, 3]),
      fact('users', { actimoId: 'd-1', email: 'new@x.dk', jobTitle: 'Rep' }, [2, 1]),
    ]);
    expect(r.records[0]?.data).toEqual({ actimoId: 'd-1', email: 'new@x.dk', jobTitle: 'Rep' });
    expect(r.records[0]?.issues).toEqual([
      {
        code: 'duplicate_user_conflict',
        severity: 'warning',
        message: '2 rows for person d-1 disagree on email; the newest (file 2 row 1) wins over file 1 row 3',
      },
    ]);
  });

  it('gives the winning user row’s company list to the memberships, first company first', () => {
    const r = reduceGroup('person', 'm-1', [
      fact('users', { actimoId: 'm-1', companyIds: ['c-2', 'c-1'] }, [1, 1]),
    ]);
    expect(r.derived?.map((f) => [f.kind, f.key, f.payload.v])).toEqual([
      ['membership', 'm-1', { companyId: 'c-2', listed: 0 }],
      ['membership', 'm-1', { companyId: 'c-1', listed: 1 }],
    ]);
    const links = reduceGroup(
      'membership',
      'm-1',
      r.derived!.map((f) => f.payload),
    );
    expect(links.memberships.map((l) => [l.organizationId, l.isPrimary])).toEqual([
      ['c-2', true],
      ['c-1', false],
    ]);
  });

  it('reports a user who is primary in two companies and links the newest', () => {
    const r = reduceGroup('membership', 'm-2', [
      fact('memberships', { companyId: 'c-1', primary: true }, [5, 1]),
      fact('memberships', { companyId: 'c-2', primary: true }, [5, 2]),
    ]);
    expect(r.memberships.map((l) => [l.organizationId, l.isPrimary])).toEqual([
      ['c-1', false],
      ['c-2', true],
    ]);
    expect(r.records[0]?.issues.map((i) => i.code)).toEqual([
      'multiple_primary_companies',
      'secondary_companies',
    ]);
  });
});
