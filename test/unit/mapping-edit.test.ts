import { describe, expect, it } from 'vitest';
import type { FileSpec, MapDocument } from '../../server/mapping/document.ts';
import { applyDestinationChanges, applySourceChanges } from '../../server/mapping/edit.ts';
import { applyProfile, profileDocumentSchema, profileFromMap } from '../../server/mapping/profile.ts';
import { signatureOf } from '../../server/mapping/propose-source.ts';
import { proposeValues } from '../../server/mapping/values.ts';
import { accountFieldByCode, proposedColumn, proposedDocument, proposedFile } from '../helpers/mapping.ts';

const users = proposedFile(3, 'users.csv', 'users', [
  proposedColumn(0, 'Id', 'actimoId', { parse: { type: 'id' } }),
  proposedColumn(1, 'Navn', 'fullName'),
  proposedColumn(2, 'Startdato', 'hireDate', { parse: { type: 'date', orders: {}, excelSerial: true } }),
  proposedColumn(3, 'Farve', null, { confidence: 0 }),
]);
const doc = proposedDocument([users]);
const none = () => undefined;

describe('source-side edits', () => {
  it('sets a day/month order, and says the file must be read again', () => {
    const { doc: next, reread } = applySourceChanges(
      doc,
      [{ fileId: 3, column: 2, parse: { type: 'date', orders: { '-': 'dmy' }, excelSerial: true } }],
      none,
    );
    expect(next.files[0]!.columns[2]).toMatchObject({
      parse: { type: 'date', orders: { '-': 'dmy' }, excelSerial: true },
      origin: 'admin',
      decided: true,
      confidence: 1,
    });
    expect([...reread]).toEqual([3]);
    expect(doc.files[0]!.columns[2]!.decided).toBe(false);
  });

  it('accepts an ignored column without reading the file again', () => {
    const { doc: next, reread } = applySourceChanges(doc, [{ fileId: 3, column: 3, accept: true }], none);
    expect(next.files[0]!.columns[3]).toMatchObject({ field: null, decided: true, origin: 'proposal' });
    expect(reread.size).toBe(0);
  });

  it('gives a column a new field the parse options that field reads with', () => {
    const { doc: next } = applySourceChanges(doc, [{ fileId: 3, column: 3, field: 'department' }], none);
    expect(next.files[0]!.columns[3]).toMatchObject({
      field: 'department',
      parse: { type: 'text' },
      reason: 'set by the admin: department',
    });
  });

  it.each([
    [
      { fileId: 3, column: 9, field: 'email' },
      'unknown_column',
      "File 3 has no column 9 in this migration's map.",
    ],
    [{ fileId: 3, column: 3, field: 'planet' }, 'unknown_field', '"planet" is not a users field; use one of'],
    [
      { fileId: 3, column: 3, field: 'fullName' },
      'duplicate_field',
      'users.csv: "Navn" and "Farve" both feed full name; keep one.',
    ],
    [
      { fileId: 3, column: 2, parse: { type: 'number' as const, decimal: ',' as const } },
      'parse_does_not_fit',
      'hire date is read as date, not as number.',
    ],
  ])('refuses %j (%s)', (change, code, message) => {
    expect(() => applySourceChanges(doc, [change], none)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(message) }),
    );
  });
});

describe('destination-side edits', () => {
  const dest = (d: MapDocument, field: string) =>
    d.destinations.find((x) => x.entity === 'person' && x.field === field)!;

  it('renames our custom field, keeping its logical name', () => {
    const next = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'department', destination: { kind: 'custom', name: 'Afdeling (Actimo)' } }],
      accountFieldByCode,
    );
    expect(dest(next, 'department')).toMatchObject({
      destination: {
        kind: 'custom',
        logicalName: 'department__c',
        name: 'Afdeling (Actimo)',
        type: 'varchar',
      },
      origin: 'admin',
    });
  });

  it('uses an existing field of the account, with its type and options from the account', () => {
    const next = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'department', destination: { kind: 'existing', fieldCode: 'f00d' } }],
      accountFieldByCode,
    );
    expect(dest(next, 'department').destination).toEqual({
      kind: 'existing',
      fieldCode: 'f00d',
      name: 'Afdeling',
      type: 'enum',
      options: ['Salg', 'Lager'],
    });
  });

  it('gives a field without a default schema entry a custom field of its own', () => {
    const next = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'language', destination: { kind: 'custom' } }],
      accountFieldByCode,
    );
    expect(dest(next, 'language').destination).toEqual({
      kind: 'custom',
      logicalName: 'language__c',
      name: 'Language',
      type: 'varchar',
    });
  });

  it('puts a field back to the proposal', () => {
    const changed = applyDestinationChanges(
      doc,
      [{ entity: 'person', field: 'site', destination: { kind: 'note' } }],
      accountFieldByCode,
    );
    const back = applyDestinationChanges(
      changed,
      [{ entity: 'person', field: 'site', destination: { kind: 'proposal' } }],
      accountFieldByCode,
    );
    expect(dest(back, 'site')).toEqual(dest(doc, 'site'));
  });

  it.each([
    [
      { entity: 'person' as const, field: 'actimoId', destination: { kind: 'ignore' as const } },
      'destination_required',
    ],
    [
      {
        entity: 'person' as const,
        field: 'email',
        destination: { kind: 'standard' as const, key: 'phones' as const },
      },
      'destination_does_not_fit',
    ],
    [
      { entity: 'person' as const, field: 'organization', destination: { kind: 'custom' as const } },
      'destination_does_not_fit',
    ],
    [
      {
        entity: 'person' as const,
        field: 'engagementScore',
        destination: { kind: 'existing' as const, fieldCode: 'da7e' },
      },
      'destination_does_not_fit',
    ],
    [
      {
        entity: 'person' as const,
        field: 'site',
        destination: { kind: 'existing' as const, fieldCode: 'nope' },
      },
      'field_not_found',
    ],
    [
      {
        entity: 'person' as const,
        field: 'site',
        destination: { kind: 'custom' as const, name: 'department' },
      },
      'duplicate_field_name',
    ],
    [
      {
        entity: 'person' as const,
        field: 'site',
        destination: { kind: 'custom' as const, type: 'enum' as const },
      },
      'options_required',
    ],
    [
      { entity: 'organization' as const, field: 'planet', destination: { kind: 'ignore' as const } },
      'unknown_target',
    ],
  ])('refuses %j', (change, code) => {
    expect(() => applyDestinationChanges(doc, [change], accountFieldByCode)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('value mapping', () => {
  it('maps English and Danish employment statuses to the three options, and leaves the rest to the admin', () => {
    expect(
      proposeValues(
        ['Aktiv', 'orlov', 'Fratrådt', 'ON LEAVE', 'sabbatical'],
        ['Active', 'On Leave', 'Terminated'],
      ),
    ).toEqual({
      values: { Aktiv: 'Active', orlov: 'On Leave', Fratrådt: 'Terminated', 'ON LEAVE': 'On Leave' },
      unmatched: ['sabbatical'],
    });
  });

  it('matches other option fields by label only', () => {
    expect(proposeValues(['salg', 'aktiv'], ['Salg', 'Lager'])).toEqual({
      values: { salg: 'Salg' },
      unmatched: ['aktiv'],
    });
  });
});

describe('mapping profiles', () => {
  it('round-trips through JSON and applies to a file with the same headers in another order', () => {
    const edited = applySourceChanges(doc, [{ fileId: 3, column: 3, field: 'department' }], none).doc;
    const json = JSON.parse(JSON.stringify(profileFromMap(edited, 'Actimo export, Nov 2026')));
    const profile = profileDocumentSchema.parse(json);
    const shuffled: FileSpec = {
      ...users,
      fileId: 9,
      signature: signatureOf('users', ['Farve', 'Startdato', 'Navn', 'Id']),
      columns: [...users.columns].reverse().map((c, i) => ({ ...c, column: i })),
    };
    const { doc: next, files } = applyProfile({ ...doc, files: [shuffled] }, profile);
    expect(files).toBe(1);
    expect(next.files[0]!.columns.map((c) => [c.header, c.field, c.origin, c.decided])).toEqual([
      ['Farve', 'department', 'profile', true],
      ['Startdato', 'hireDate', 'profile', true],
      ['Navn', 'fullName', 'profile', true],
      ['Id', 'actimoId', 'profile', true],
    ]);
    expect(next.files[0]!.columns[0]!.reason).toBe('mapped as in profile "Actimo export, Nov 2026"');
  });

  it('refuses a document that is not a profile', () => {
    expect(profileDocumentSchema.safeParse({ format: 'something else' }).success).toBe(false);
  });
});

describe('our custom fields for standard values', () => {
  it('gives Industry our stand-in field when the admin chooses a custom field for it', () => {
    const next = applyDestinationChanges(
      doc,
      [{ entity: 'organization', field: 'industry', destination: { kind: 'custom' } }],
      () => undefined,
    );
    expect(
      next.destinations.find((d) => d.entity === 'organization' && d.field === 'industry')?.destination,
    ).toEqual({
      kind: 'custom',
      logicalName: 'industry__c',
      name: 'Industry (Actimo)',
      type: 'varchar',
    });
  });
});
