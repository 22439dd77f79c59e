// The audit log of one record, before or after a rollback: looked up by its Actimo id (or record id) or
// its Pipedrive id, every operation of every run on it, oldest first: created, updated, uploaded,
// deleted, restored, with the run, who started it, the Pipedrive id and whether Pipedrive confirmed it.
import { type FormEvent, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { type AuditEntry, type AuditSearch, fetchAudit } from '../../api/rollback.ts';
import { Badge, type BadgeTone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { formatDateTime } from '../../components/format.ts';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';

const OP_WORDS: Record<string, string> = {
  create: 'Created',
  update: 'Updated',
  upload: 'Uploaded',
  delete: 'Deleted',
  restore: 'Restored',
};

const RESULT_WORDS: Record<string, { text: string; tone: BadgeTone }> = {
  done: { text: 'Done', tone: 'success' },
  failed: { text: 'Failed', tone: 'danger' },
  unknown: { text: 'Not confirmed', tone: 'warning' },
  intent: { text: 'Sent, no answer', tone: 'warning' },
};

const RUN_WORDS: Record<string, string> = {
  full: 'Full run',
  sample: 'Sample',
  rollback: 'Rollback',
  delta: 'Delta',
};

type By = 'record' | 'pipedriveId';

type Found =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'error'; error: unknown }
  | { kind: 'data'; search: AuditSearch; entries: AuditEntry[]; nextAfterId: number | null; more: boolean };

export function AuditLog({ migrationId }: { migrationId: number }) {
  const api = useApi();
  const [by, setBy] = useState<By>('record');
  const [typed, setTyped] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [found, setFound] = useState<Found>({ kind: 'idle' });

  const search = async (e: FormEvent) => {
    e.preventDefault();
    const value = typed.trim();
    if (value === '') {
      setInvalid('Type an id to look up.');
      return;
    }
    if (by === 'pipedriveId' && !/^[1-9]\d*$/.test(value)) {
      setInvalid('A Pipedrive id is a whole number, like 1234.');
      return;
    }
    setInvalid(null);
    const s: AuditSearch = by === 'record' ? { record: value } : { pipedriveId: Number(value) };
    setFound({ kind: 'loading' });
    try {
      const page = await fetchAudit(api, migrationId, s);
      setFound({
        kind: 'data',
        search: s,
        entries: page.entries,
        nextAfterId: page.nextAfterId,
        more: false,
      });
    } catch (error) {
      setFound({ kind: 'error', error });
    }
  };

  const more = async (shown: Extract<Found, { kind: 'data' }>) => {
    if (shown.nextAfterId === null) return;
    setFound({ ...shown, more: true });
    try {
      const page = await fetchAudit(api, migrationId, shown.search, shown.nextAfterId);
      setFound({
        ...shown,
        entries: [...shown.entries, ...page.entries],
        nextAfterId: page.nextAfterId,
        more: false,
      });
    } catch (error) {
      setFound({ kind: 'error', error });
    }
  };

  return (
    <section className="card" aria-labelledby="audit-log">
      <h2 id="audit-log" className="card__title">
        Audit log
      </h2>
      <p>The history of one record: everything the migration, its samples, deltas and rollbacks did to it.</p>
      <form className="actions" aria-label="Look up a record" onSubmit={search}>
        <SelectField
          label="Look up by"
          value={by}
          options={[
            { value: 'record', label: 'Actimo id' },
            { value: 'pipedriveId', label: 'Pipedrive id' },
          ]}
          onChange={(e) => setBy(e.currentTarget.value as By)}
        />
        <TextField
          label={by === 'record' ? 'Actimo id' : 'Pipedrive id'}
          value={typed}
          error={invalid}
          inputMode={by === 'pipedriveId' ? 'numeric' : undefined}
          onChange={(e) => setTyped(e.currentTarget.value)}
        />
        <Button type="submit" busy={found.kind === 'loading'}>
          Show the history
        </Button>
      </form>
      {found.kind === 'loading' && <LoadingState label="Loading the history…" />}
      {found.kind === 'error' && <ErrorState title="The history could not be loaded" error={found.error} />}
      {found.kind === 'data' &&
        (found.entries.length === 0 ? (
          <EmptyState title="Nothing recorded for that id">
            No run wrote a record with that id. Check the id, or look it up by the other one.
          </EmptyState>
        ) : (
          <>
            <History entries={found.entries} />
            {found.nextAfterId !== null && (
              <div className="actions">
                <Button busy={found.more} onClick={() => more(found)}>
                  Show more
                </Button>
              </div>
            )}
          </>
        ))}
    </section>
  );
}

function History({ entries }: { entries: AuditEntry[] }) {
  return (
    <DataTable label="History" columns={['When', 'What', 'Record', 'Pipedrive id', 'Run', 'Result']}>
      {entries.map((e) => {
        const result = RESULT_WORDS[e.result] ?? { text: e.result, tone: 'neutral' as const };
        return (
          <tr key={e.id}>
            <td>{formatDateTime(new Date(e.at).toISOString())}</td>
            <th scope="row">{OP_WORDS[e.op] ?? e.op}</th>
            <td>
              {e.label ?? e.actimoKey ?? e.recordId} ({e.entity})
            </td>
            <td>{e.pipedriveId ?? '—'}</td>
            <td>
              {RUN_WORDS[e.runKind] ?? e.runKind} {e.runId}
              {e.startedBy !== null && ` by ${e.startedBy}`}
            </td>
            <td>
              <Badge tone={result.tone}>{result.text}</Badge>
              {e.errorMessage !== null && ` ${e.errorMessage}`}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
