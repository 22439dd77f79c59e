import { describe, expect, it } from 'vitest';
import type { MapDocument } from '../../server/mapping/document.ts';
import { applyDestinationChanges, applySourceChanges } from '../../server/mapping/edit.ts';
import { optionMappingOf } from '../../server/mapping/review.ts';
import { existingFieldChoices, mapView } from '../../server/mapping/view.ts';
import type { AccountField } from '../../server/pipedrive/fields.ts';
import {
  AFDELING_FIELD,
  accountFieldByCode,
  BIRTHDAY_FIELD,
  DRAFT_META,
  OPTION_FIELD_FITS,
  proposedColumn,
  proposedDocument,
  proposedFile,
} from '../helpers/mapping.ts';

const users = proposedFile(3, 'users.csv', 'users', [
  proposedColumn(0, 'Id', 'actimoId', { parse: { type: 'id' } }),
  proposedColumn(1, 'Navn', 'fullName'),
  proposedColumn(2, 'Status', 'employmentStatus', {
    observed: [
      ['Aktiv', 40],
      ['Orlov', 5],
      ['Sabbatical', 2],
      ['Ukendt', 1],
    ],
    values: { Aktiv: 'Active', Orlov: 'On Leave', Ukendt: null },
  }),
  proposedColumn(3, 'Afdeling', 'department', { observed: [['Salg', 12]] }),
]);
const doc = proposedDocument([users]);
const statusOf = (d: MapDocument) => d.files[0]!.columns[2]!;

const standardField: AccountField = {
  code: 'name',
  name: 'Name',
  type: 'varchar',
  isCustom: false,
  options: null,
};

describe('option-value mapping in the map view', () => {
  it('lists every value found with its count and the option it becomes, counting the unmatched', () => {
    expect(optionMappingOf(doc, 'users', statusOf(doc))).toEqual({
      where: 'Person · our custom field "Employment status" (single option)',
      options: ['Active', 'On Leave', 'Terminated'],
      canAddOptions: true,
      values: [
        { value: 'Aktiv', count: 40, option: 'Active', status: 'option' },
        { value: 'Orlov', count: 5, option: 'On Leave', status: 'option' },
        { value: 'Sabbatical', count: 2, option: null, status: 'unmatched' },
        { value: 'Ukendt', count: 1, option: null, status: 'empty' },
      ],
      unmatched: 1,
    });
  });

  it('gives the mapping only to columns that feed an option field', () => {
    const view = mapView(DRAFT_META, doc, new Map());
    const cols = view.files[0]!.columns;
    expect(cols.map((c) => c.optionMapping?.unmatched ?? null)).toEqual([null, null, 1, null]);
  });

  it('offers no new options for an existing field of the account, and matches its labels', () => {
    const next = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'department', destination: { kind: 'existing', fieldCode: 'f00d' } }],
      accountFieldByCode,
    );
    expect(optionMappingOf(next, 'users', next.files[0]!.columns[3]!)).toEqual({
      where: 'Person · existing field "Afdeling" (single option)',
      options: ['Salg', 'Lager'],
      canAddOptions: false,
      values: [{ value: 'Salg', count: 12, option: 'Salg', status: 'option' }],
      unmatched: 0,
    });
  });
});

describe('new options from the column edit', () => {
  it('adds a new option to our field and maps the value to it, after which the column is clear', () => {
    const { doc: next, reread } = applySourceChanges(
      doc,
      [
        {
          fileId: 3,
          column: 2,
          newOptions: ['Sabbatical'],
          values: { ...statusOf(doc).values, Sabbatical: 'Sabbatical' },
        },
      ],
      () => undefined,
    );
    expect(next.destinations.find((d) => d.field === 'employmentStatus')?.destination).toEqual({
      kind: 'custom',
      logicalName: 'employment_status__c',
      name: 'Employment status',
      type: 'enum',
      options: ['Active', 'On Leave', 'Terminated', 'Sabbatical'],
    });
    expect(optionMappingOf(next, 'users', statusOf(next))?.unmatched).toBe(0);
    expect(mapView(DRAFT_META, next, new Map()).blockers).toEqual([]);
    expect(reread.size).toBe(0);
  });

  it('does not add an option twice, whatever its case', () => {
    const { doc: next } = applySourceChanges(
      doc,
      [{ fileId: 3, column: 2, newOptions: ['active', 'Sabbatical', 'sabbatical'] }],
      () => undefined,
    );
    const d = next.destinations.find((x) => x.field === 'employmentStatus')?.destination;
    expect(d?.kind === 'custom' ? d.options : null).toEqual([
      'Active',
      'On Leave',
      'Terminated',
      'Sabbatical',
    ]);
  });

  it('refuses new options for a field the account already has, saying what to do instead', () => {
    const withExisting = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'department', destination: { kind: 'existing', fieldCode: 'f00d' } }],
      accountFieldByCode,
    );
    expect(() =>
      applySourceChanges(withExisting, [{ fileId: 3, column: 3, newOptions: ['Drift'] }], () => undefined),
    ).toThrow(
      expect.objectContaining({
        code: 'options_not_ours',
        message:
          'Person · existing field "Afdeling" (single option) is the account\'s own field: add the option in Pipedrive, or map the value to one of its options or leave it empty.',
      }),
    );
  });

  it('refuses new options for a column whose field is not an option field', () => {
    expect(() =>
      applySourceChanges(doc, [{ fileId: 3, column: 1, newOptions: ['Anna'] }], () => undefined),
    ).toThrow(
      expect.objectContaining({
        code: 'not_an_option_field',
        message: '"Navn" does not feed a single or multiple option field, so it has no options to add to.',
      }),
    );
  });
});

describe('existing fields the admin may choose', () => {
  it('lists the account’s custom fields with the targets whose values each can hold', () => {
    const choices = existingFieldChoices({
      person: [standardField, AFDELING_FIELD, BIRTHDAY_FIELD],
      organization: [],
    });
    // The standard Name is not offered; an option field takes text and choices, a date field dates.
    expect(choices).toEqual({
      person: [
        {
          code: 'f00d',
          name: 'Afdeling',
          type: 'enum',
          typeLabel: 'single option',
          options: ['Salg', 'Lager'],
          fits: OPTION_FIELD_FITS,
        },
        {
          code: 'da7e',
          name: 'Birthday',
          type: 'date',
          typeLabel: 'date',
          options: [],
          fits: ['addTime', 'hireDate', 'updateTime', 'lastTrainingDate'],
        },
      ],
      organization: [],
    });
  });
});
