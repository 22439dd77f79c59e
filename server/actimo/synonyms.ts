// The curated synonym table: for every export kind, which header spellings (English and Danish, as
// Actimo, Excel and admins write them) feed which logical field, and how much a match says about the
// kind. Actimo publishes no export schema, so this table, plus the content of each column, is how we
// recognise files. To add a spelling, add it to the field's `headers` (docs/staging.md).
import type { TabularKind } from '../staging/vocabulary.ts';
import { headerKey } from './header.ts';

export interface FieldSynonyms {
  headers: readonly string[];
  /** How strongly a match points at this kind: 3 distinctive, 1 ordinary, 0.5 generic ("id", "date"). */
  weight: number;
  /** The value type the field expects; a column whose content disagrees is proposed with less confidence. */
  expects?: 'id' | 'email' | 'phone' | 'date' | 'number' | 'percent' | 'boolean' | 'text' | 'list';
}

const PERSON_REF = {
  headers: [
    'user id',
    'userid',
    'user',
    'contact id',
    'employee id',
    'actimo id',
    'actimo user id',
    'bruger id',
    'brugerid',
    'medarbejder id',
    'medarbejderid',
    'kontakt id',
  ],
  weight: 1,
  expects: 'id',
} as const satisfies FieldSynonyms;

export const SYNONYMS: { [K in TabularKind]: Record<string, FieldSynonyms> } = {
  users: {
    actimoId: {
      headers: [
        'id',
        'user id',
        'userid',
        'contact id',
        'employee id',
        'actimo id',
        'unique id',
        'employee number',
        'medarbejdernummer',
        'medarbejder id',
        'bruger id',
        'kontakt id',
      ],
      weight: 0.5,
      expects: 'id',
    },
    firstName: { headers: ['first name', 'firstname', 'given name', 'fornavn'], weight: 3, expects: 'text' },
    lastName: {
      headers: ['last name', 'lastname', 'surname', 'family name', 'efternavn'],
      weight: 3,
      expects: 'text',
    },
    fullName: {
      headers: ['name', 'full name', 'navn', 'fulde navn', 'fuldt navn', 'employee name', 'contact name'],
      weight: 1,
      expects: 'text',
    },
    email: {
      headers: [
        'email',
        'e-mail',
        'email address',
        'e-mail address',
        'mail',
        'e-mailadresse',
        'emailadresse',
      ],
      weight: 3,
      expects: 'email',
    },
    phone: {
      headers: [
        'mobile',
        'mobile number',
        'mobile phone',
        'phone',
        'phone number',
        'cell',
        'mobil',
        'mobilnummer',
        'mobilnr',
        'telefon',
        'telefonnummer',
        'tlf',
      ],
      weight: 2,
      expects: 'phone',
    },
    phoneCountryCode: {
      headers: ['country code', 'phone country code', 'dial code', 'landekode', 'landkode'],
      weight: 2,
      expects: 'text',
    },
    jobTitle: {
      headers: [
        'job title',
        'title',
        'position',
        'role',
        'stilling',
        'jobtitel',
        'titel',
        'stillingsbetegnelse',
      ],
      weight: 2,
      expects: 'text',
    },
    department: { headers: ['department', 'afdeling', 'team'], weight: 2, expects: 'text' },
    site: {
      headers: ['location', 'site', 'office', 'lokation', 'arbejdssted', 'kontor', 'lokalitet'],
      weight: 2,
      expects: 'text',
    },
    companyIds: {
      headers: [
        'company id',
        'company ids',
        'companies',
        'organisation id',
        'organization id',
        'org id',
        'virksomheds id',
        'virksomhedsid',
        'firma id',
        'selskab id',
      ],
      weight: 1,
      expects: 'list',
    },
    companyName: {
      headers: ['company', 'company name', 'virksomhed', 'firma', 'firmanavn', 'virksomhedsnavn'],
      weight: 1,
      expects: 'text',
    },
    hireDate: {
      headers: [
        'hire date',
        'start date',
        'employment date',
        'hired',
        'ansaettelsesdato',
        'ansat',
        'startdato',
      ],
      weight: 2,
      expects: 'date',
    },
    employmentStatus: {
      headers: ['employment status', 'status', 'active', 'ansaettelsesstatus', 'aktiv'],
      weight: 1,
      expects: 'text',
    },
    addTime: {
      headers: [
        'created',
        'created at',
        'created date',
        'date created',
        'added',
        'oprettet',
        'oprettelsesdato',
      ],
      weight: 1,
      expects: 'date',
    },
    updateTime: {
      headers: [
        'updated',
        'updated at',
        'last modified',
        'modified',
        'last updated',
        'opdateret',
        'sidst aendret',
      ],
      weight: 1,
      expects: 'date',
    },
    language: { headers: ['language', 'sprog', 'locale'], weight: 2, expects: 'text' },
    managerId: {
      headers: ['manager id', 'manager', 'leder id', 'leder', 'naermeste leder', 'manager_id'],
      weight: 2,
      expects: 'id',
    },
  },
  companies: {
    actimoId: {
      headers: [
        'id',
        'company id',
        'organisation id',
        'organization id',
        'org id',
        'unit id',
        'virksomheds id',
        'virksomhedsid',
        'enheds id',
      ],
      weight: 0.5,
      expects: 'id',
    },
    name: {
      headers: [
        'name',
        'company name',
        'company',
        'organisation',
        'organization',
        'organisation name',
        'organization name',
        'navn',
        'virksomhed',
        'virksomhedsnavn',
        'firmanavn',
        'enhed',
      ],
      weight: 1,
      expects: 'text',
    },
    domain: {
      headers: ['domain', 'website', 'web', 'url', 'homepage', 'hjemmeside', 'domaene'],
      weight: 3,
      expects: 'text',
    },
    address: { headers: ['address', 'full address', 'adresse'], weight: 2, expects: 'text' },
    street: {
      headers: ['street', 'street address', 'address line 1', 'vej', 'gade', 'gadenavn', 'vejnavn'],
      weight: 2,
      expects: 'text',
    },
    postalCode: {
      headers: ['zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'post code', 'postnummer', 'postnr'],
      weight: 2,
      expects: 'text',
    },
    city: { headers: ['city', 'town', 'by', 'bynavn'], weight: 2, expects: 'text' },
    country: { headers: ['country', 'land'], weight: 1, expects: 'text' },
    industry: { headers: ['industry', 'sector', 'branche', 'industri'], weight: 3, expects: 'text' },
    employeeCount: {
      headers: [
        'employee count',
        'employees',
        'number of employees',
        'headcount',
        'size',
        'antal medarbejdere',
        'antal ansatte',
        'medarbejdere',
      ],
      weight: 3,
      expects: 'number',
    },
    parentId: {
      headers: [
        'parent id',
        'parent',
        'parent company id',
        'parent company',
        'overordnet id',
        'moderselskab id',
      ],
      weight: 3,
      expects: 'id',
    },
    addTime: { headers: ['created', 'created at', 'oprettet'], weight: 0.5, expects: 'date' },
  },
  memberships: {
    personId: PERSON_REF,
    companyId: {
      headers: [
        'company id',
        'organisation id',
        'organization id',
        'org id',
        'unit id',
        'virksomheds id',
        'firma id',
      ],
      weight: 1,
      expects: 'id',
    },
    primary: {
      headers: [
        'primary',
        'is primary',
        'main',
        'primary company',
        'primaer',
        'hovedvirksomhed',
        'primaer virksomhed',
      ],
      weight: 3,
      expects: 'boolean',
    },
  },
  engagement: {
    personId: PERSON_REF,
    engagementScore: {
      headers: [
        'engagement score',
        'engagement',
        'engagement index',
        'score',
        'engagementsscore',
        'engagementscore',
      ],
      weight: 3,
      expects: 'number',
    },
    period: {
      headers: ['period', 'date', 'month', 'week', 'snapshot date', 'periode', 'dato', 'maaned', 'uge'],
      weight: 0.5,
      expects: 'date',
    },
  },
  training: {
    personId: PERSON_REF,
    courseId: { headers: ['course id', 'training id', 'kursus id', 'traening id'], weight: 3, expects: 'id' },
    courseName: {
      headers: ['course', 'course name', 'training', 'training name', 'kursus', 'kursusnavn', 'traening'],
      weight: 3,
      expects: 'text',
    },
    startedAt: {
      headers: ['started', 'started at', 'start date', 'enrolled', 'startet', 'paabegyndt', 'startdato'],
      weight: 1,
      expects: 'date',
    },
    completedAt: {
      headers: [
        'completed',
        'completed at',
        'completion date',
        'finished',
        'gennemfoert',
        'afsluttet',
        'fuldfoert',
      ],
      weight: 2,
      expects: 'date',
    },
    status: { headers: ['status', 'training status'], weight: 0.5, expects: 'text' },
    quizScore: {
      headers: [
        'quiz score',
        'quiz',
        'points',
        'quiz points',
        'score',
        'point',
        'quizscore',
        'quiz resultat',
      ],
      weight: 2,
      expects: 'number',
    },
  },
  messages: {
    personId: PERSON_REF,
    messageId: { headers: ['message id', 'besked id'], weight: 3, expects: 'id' },
    sentAt: {
      headers: ['sent', 'sent at', 'date', 'published', 'sendt', 'dato'],
      weight: 0.5,
      expects: 'date',
    },
    publishedTo: { headers: ['published to', 'publiceret til'], weight: 3, expects: 'number' },
    notifiedTo: { headers: ['notified to', 'notificeret til'], weight: 3, expects: 'number' },
    openedBy: {
      headers: [
        'opened by',
        'viewed by',
        'opened',
        'viewed',
        'aabnet af',
        'set af',
        'aabnet',
        'unique views',
      ],
      weight: 3,
      expects: 'number',
    },
    clicked: { headers: ['clicked', 'clicks', 'klikket', 'klik'], weight: 2, expects: 'number' },
    deliveryStatus: {
      headers: ['delivery status', 'delivery', 'leveringsstatus', 'status'],
      weight: 2,
      expects: 'text',
    },
    openRate: {
      headers: ['open rate', 'open %', 'aabningsrate', 'aabningsprocent', 'view rate'],
      weight: 3,
      expects: 'percent',
    },
    clickRate: {
      headers: ['click rate', 'click %', 'klikrate', 'klikprocent'],
      weight: 3,
      expects: 'percent',
    },
    messageCount: {
      headers: ['message count', 'messages', 'number of messages', 'antal beskeder', 'beskeder'],
      weight: 3,
      expects: 'number',
    },
  },
  surveys: {
    personId: PERSON_REF,
    surveyName: {
      headers: [
        'survey',
        'survey name',
        'survey title',
        'pulse',
        'pulse survey',
        'undersoegelse',
        'spoergeskema',
      ],
      weight: 3,
      expects: 'text',
    },
    surveyDate: {
      headers: ['survey date', 'response date', 'answered', 'answered at', 'date', 'dato', 'besvaret'],
      weight: 1,
      expects: 'date',
    },
    responseStatus: {
      headers: ['response status', 'response', 'status', 'besvarelsesstatus', 'svarstatus', 'besvarelse'],
      weight: 2,
      expects: 'text',
    },
    score: {
      headers: ['score', 'rating', 'survey score', 'resultat', 'karakter'],
      weight: 1,
      expects: 'number',
    },
  },
  activities: {
    activityId: {
      headers: ['activity id', 'aktivitet id', 'aktivitets id', 'id'],
      weight: 0.5,
      expects: 'id',
    },
    personId: PERSON_REF,
    type: { headers: ['type', 'activity type', 'aktivitetstype', 'kind'], weight: 2, expects: 'text' },
    subject: { headers: ['subject', 'title', 'emne', 'titel', 'overskrift'], weight: 2, expects: 'text' },
    date: {
      headers: ['date', 'start', 'start date', 'when', 'datetime', 'dato', 'tidspunkt', 'start time utc'],
      weight: 0.5,
      expects: 'date',
    },
    time: {
      headers: ['time', 'start time', 'kl', 'klokken', 'klokkeslaet', 'tid'],
      weight: 1,
      expects: 'text',
    },
    duration: { headers: ['duration', 'length', 'varighed'], weight: 3, expects: 'text' },
    ownerEmail: {
      headers: ['owner', 'owner email', 'owner e-mail', 'assigned to', 'ansvarlig', 'ejer', 'ejer e-mail'],
      weight: 3,
      expects: 'email',
    },
    note: {
      headers: ['note', 'notes', 'description', 'comment', 'notat', 'beskrivelse', 'kommentar'],
      weight: 1,
      expects: 'text',
    },
  },
  files: {
    personId: PERSON_REF,
    fileName: {
      headers: ['file name', 'filename', 'file', 'filnavn', 'fil', 'name', 'navn'],
      weight: 2,
      expects: 'text',
    },
    uploadDate: {
      headers: ['upload date', 'uploaded', 'uploaded at', 'date', 'uploadet', 'dato', 'uploaddato'],
      weight: 1,
      expects: 'date',
    },
    path: {
      headers: ['path', 'file path', 'filepath', 'location', 'sti', 'filsti', 'attachment', 'vedhaeftning'],
      weight: 3,
      expects: 'text',
    },
  },
};

/** File-name words that point at a kind (English and Danish). */
export const FILE_NAME_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/membership|medlemskab|user[-_ ]?compan|tilknytning/i, 'memberships'],
  [/user|employee|contact|people|person|bruger|medarbejder|kontakt|ansat/i, 'users'],
  [/compan|organi[sz]ation|org[-_ ]?unit|virksomhed|firma|enhed/i, 'companies'],
  [/engagement/i, 'engagement'],
  [/training|course|quiz|traening|træning|kursus|kurser/i, 'training'],
  [/message|besked/i, 'messages'],
  [/survey|pulse|undersøgelse|undersoegelse/i, 'surveys'],
  [/activit|call|meeting|aktivitet|opkald|møde/i, 'activities'],
  [/files|attachment|manifest|filer|vedhæft/i, 'files'],
  [/workflow|learning[-_ ]?path|onboarding|flow/i, 'workflows'],
  [/integration|hris|connector/i, 'integrations'],
];

/** header key → [kind, field, weight] for every synonym, built once. */
export const SYNONYM_INDEX: ReadonlyMap<string, ReadonlyArray<readonly [TabularKind, string]>> = (() => {
  const index = new Map<string, Array<readonly [TabularKind, string]>>();
  for (const [kind, fields] of Object.entries(SYNONYMS) as Array<
    [TabularKind, Record<string, FieldSynonyms>]
  >) {
    for (const [field, syn] of Object.entries(fields)) {
      for (const h of syn.headers) {
        const key = headerKey(h);
        const list = index.get(key) ?? [];
        if (!list.some(([k, f]) => k === kind && f === field)) list.push([kind, field]);
        index.set(key, list);
      }
    }
  }
  return index;
})();
