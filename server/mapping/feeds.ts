// Which destination a column reaches through its logical field: a users or companies column feeds a Person
// or Organization target directly; a metrics column feeds the aggregates computed from it; membership,
// activity and file columns land in fixed places the migration engine owns. Pure.
import type { TabularKind } from '../staging/vocabulary.ts';
import { type PipedriveEntity, TARGETS } from './targets.ts';

export interface Feed {
  /** A Person/Organization target the field feeds (its destination is in the map)… */
  entity?: PipedriveEntity;
  target?: string;
  /** …or a fixed place, in words. */
  fixed?: string;
}

const METRIC_FEEDS: Partial<Record<TabularKind, Record<string, readonly string[]>>> = {
  engagement: { engagementScore: ['engagementScore'] },
  training: {
    personId: ['coursesStarted'],
    courseId: ['coursesStarted', 'coursesCompleted'],
    courseName: ['coursesStarted', 'coursesCompleted'],
    startedAt: ['lastTrainingDate'],
    completedAt: ['coursesCompleted', 'lastTrainingDate'],
    status: ['coursesCompleted'],
    quizScore: ['quizAverage'],
  },
  messages: {
    personId: ['messageCount'],
    openRate: ['messageOpenRate'],
    clickRate: ['messageClickRate'],
    deliveryStatus: ['messageDeliveryStatus'],
    messageCount: ['messageCount'],
  },
  surveys: {
    surveyDate: ['lastSurveyResponse'],
    responseStatus: ['lastSurveyResponse'],
    score: ['surveyScore'],
  },
};

const FIXED: Partial<Record<TabularKind, Record<string, string>>> = {
  engagement: { personId: 'links the row to its Person', period: 'picks the latest engagement score' },
  training: {},
  messages: { sentAt: 'picks the latest message snapshot' },
  surveys: { personId: 'links the row to its Person' },
  activities: {
    activityId: 'identifies the activity on re-runs',
    personId: "the activity's participant",
    type: 'activity type (call or meeting)',
    subject: 'activity subject',
    date: 'activity due date (UTC)',
    time: 'activity due time (UTC)',
    duration: 'activity duration',
    ownerEmail: 'activity owner, matched by e-mail',
    note: 'activity note',
  },
  files: {
    personId: 'the Person the file is attached to',
    fileName: "the attached file's name",
    uploadDate: "the note's date",
    path: 'finds the file in the upload',
  },
};

export function feedsOf(kind: TabularKind, field: string | null): Feed[] {
  if (field === null) return [];
  if (kind === 'users' || kind === 'companies') {
    const entity: PipedriveEntity = kind === 'users' ? 'person' : 'organization';
    return TARGETS.filter((t) => t.entity === entity && t.part !== 'metrics' && t.from.includes(field)).map(
      (t) => ({ entity, target: t.field }),
    );
  }
  if (kind === 'memberships')
    return field === 'personId'
      ? [{ fixed: 'links the Person to its companies' }]
      : [{ entity: 'person', target: 'organization' }];
  const metric = METRIC_FEEDS[kind]?.[field];
  if (metric) return metric.map((target) => ({ entity: 'person' as const, target }));
  const fixed = FIXED[kind]?.[field] ?? (field === 'personId' ? 'links the row to its Person' : undefined);
  return fixed ? [{ fixed }] : [];
}
