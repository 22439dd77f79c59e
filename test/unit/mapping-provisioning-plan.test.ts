import { describe, expect, it } from 'vitest';
import type { RecordedField } from '../../server/pipedrive/field-schema.repository.ts';
import type { AccountField, AccountFields } from '../../server/pipedrive/fields.ts';
import { planProvisioning, type WantedField } from '../../server/pipedrive/provisioning.ts';

const want = (
  over: Partial<WantedField> & Pick<WantedField, 'logicalName' | 'name' | 'type'>,
): WantedField => ({
  entity: 'person',
  target: over.logicalName.replace(/__c$/, ''),
  targetLabel: over.name,
  optional: true,
  fits: ['double', 'varchar', 'varchar_auto', 'text'],
  ...over,
});

const ACTIMO = want({
  logicalName: 'actimo_id__c',
  name: 'Actimo ID',
  type: 'varchar',
  optional: false,
  fits: ['varchar', 'varchar_auto', 'text', 'enum'],
});
const SCORE = want({ logicalName: 'engagement_score__c', name: 'Engagement score', type: 'double' });
const STATUS = want({
  logicalName: 'employment_status__c',
  name: 'Employment status',
  type: 'enum',
  options: ['Active', 'On Leave', 'Terminated'],
  fits: ['enum', 'varchar', 'varchar_auto', 'text'],
});
const HIRED = want({
  logicalName: 'hire_date__c',
  name: 'Hire date',
  type: 'date',
  fits: ['date', 'varchar', 'varchar_auto', 'text'],
});

const field = (
  code: string,
  name: string,
  type: string,
  options: AccountField['options'] = null,
): AccountField => ({
  code,
  name,
  type,
  isCustom: true,
  options,
});
const account = (person: AccountField[], organization: AccountField[] = []): AccountFields => ({
  person,
  organization,
});
const recordedAs = (logicalName: string, code: string): RecordedField => ({
  entity: 'person',
  logicalName,
  code,
  name: 'whatever it was called',
  type: 'double',
  options: null,
  createdByUs: true,
});

describe('planProvisioning', () => {
  it('creates what the account lacks and counts it against the plan', () => {
    const plan = planProvisioning([ACTIMO, SCORE], account([]), [], 'growth');
    expect(plan.fields.map((f) => [f.name, f.action])).toEqual([
      ['Actimo ID', 'create'],
      ['Engagement score', 'create'],
    ]);
    expect(plan.capacity).toEqual({
      plan: 'growth',
      cap: 100,
      used: 0,
      toCreate: 2,
      fits: true,
      over: 0,
      candidates: [{ entity: 'person', target: 'engagement_score', name: 'Engagement score' }],
    });
    expect(plan.blocked).toBe(false);
  });

  it('finds a field by the code we recorded, even after the admin renamed it in Pipedrive', () => {
    const plan = planProvisioning(
      [SCORE],
      account([field('c0de', 'Engagement (Actimo)', 'double')]),
      [recordedAs('engagement_score__c', 'c0de')],
      'lite',
    );
    expect(plan.fields[0]).toMatchObject({
      action: 'keep',
      code: 'c0de',
      reason: 'found by its recorded code',
    });
    expect(plan.capacity.toCreate).toBe(0);
  });

  it('adopts an existing field of the same name and type, case and spaces aside', () => {
    const plan = planProvisioning(
      [SCORE],
      account([field('abc', ' engagement SCORE ', 'double')]),
      [],
      'lite',
    );
    expect(plan.fields[0]).toMatchObject({
      action: 'adopt',
      code: 'abc',
      reason: 'the account already has " engagement SCORE " (number)',
    });
  });

  it('treats the text types as one when matching by name', () => {
    const plan = planProvisioning([ACTIMO], account([field('t1', 'Actimo ID', 'text')]), [], 'lite');
    expect(plan.fields[0]?.action).toBe('adopt');
  });

  it('adds the options an existing option field lacks', () => {
    const plan = planProvisioning(
      [STATUS],
      account([field('e1', 'Employment status', 'enum', [{ id: 5, label: 'active' }])]),
      [],
      'lite',
    );
    expect(plan.fields[0]).toMatchObject({
      action: 'add_options',
      code: 'e1',
      missingOptions: ['On Leave', 'Terminated'],
    });
  });

  it('reports a same-named field of another type as a clash that blocks, with the choices that fit', () => {
    const plan = planProvisioning(
      [SCORE, HIRED],
      account([field('d1', 'Engagement score', 'date'), field('h1', 'Hire date', 'varchar')]),
      [],
      'lite',
    );
    expect(plan.fields.map((f) => [f.name, f.action, f.choices])).toEqual([
      ['Engagement score', 'clash', ['rename', 'drop', 'note']],
      ['Hire date', 'clash', ['use_existing', 'rename', 'drop', 'note']],
    ]);
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual([
      'Engagement score: the account already has a date field named "Engagement score", but ours is a number field: rename ours, leave engagement score out, or put it in a note',
      'Hire date: the account already has a text field named "Hire date", but ours is a date field: use the existing field, rename ours, leave hire date out, or put it in a note',
    ]);
  });

  it('looks again by name when the field we recorded was deleted in Pipedrive', () => {
    const plan = planProvisioning([SCORE], account([]), [recordedAs('engagement_score__c', 'gone')], 'lite');
    expect(plan.fields[0]).toMatchObject({
      action: 'create',
      reason: 'no field of the account holds it; the field recorded earlier (gone) is gone from the account',
    });
  });

  it('says before creating anything that the schema does not fit the plan, and what could go', () => {
    const taken = Array.from({ length: 28 }, (_, i) => field(`x${i}`, `Field ${i}`, 'varchar'));
    const plan = planProvisioning(
      [ACTIMO, SCORE, STATUS, HIRED],
      account(taken.slice(0, 20), taken.slice(20)),
      [],
      'lite',
    );
    expect(plan.capacity).toMatchObject({ cap: 30, used: 28, toCreate: 4, fits: false, over: 2 });
    expect(plan.capacity.candidates.map((c) => c.name)).toEqual([
      'Hire date',
      'Employment status',
      'Engagement score',
    ]);
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual([
      'the lite plan allows 30 custom fields; the account has 28 and our schema needs 4 more, 2 too many: drop 2 of "Hire date", "Employment status", "Engagement score" or fold them into a note',
    ]);
  });
});
