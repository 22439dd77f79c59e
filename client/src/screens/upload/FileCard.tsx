// One file (or workbook sheet) of the migration: what it was recognised as and why, how it was read,
// the issues in its rows, and the admin's correction of its kind.
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../api/ApiProvider.tsx';
import { type SourceFile, setFileKind } from '../../api/migrations.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { formatBytes, formatCount } from '../../components/format.ts';
import { paths } from '../../paths.ts';
import { usePanelHost } from '../../sdk/PanelHostProvider.tsx';
import {
  confidenceWords,
  delimiterWords,
  ENTITY_WORDS,
  encodingWords,
  headerRowWords,
  issueWords,
  KIND_WORDS,
  kindChoices,
  kindLabel,
  needsKindCheck,
  STATUS_WORDS,
  severityCount,
} from '../staging-words.ts';

function displayName(f: SourceFile): string {
  return f.sheetName ? `${f.name}, sheet "${f.sheetName}"` : f.name;
}

function KindForm({ file, migrationId, onChanged }: FileCardProps) {
  const api = useApi();
  const host = usePanelHost();
  const [kind, setKind] = useState(file.kind);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const choices = kindChoices(file.status, file.kind);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await setFileKind(api, migrationId, file.id, kind);
      await onChanged();
      await host.notify(`${displayName(file)} is now read as ${kindLabel(kind)}.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="kind-form" onSubmit={submit}>
      <SelectField
        label="Correct the kind"
        hint="Everything in this migration is read again with the kind you choose."
        value={kind}
        error={error}
        options={choices.map((k) => ({
          value: k,
          label: KIND_WORDS[k] ? `${KIND_WORDS[k].label}: ${KIND_WORDS[k].description}` : k,
          disabled: k === 'attachment',
        }))}
        onChange={(e) => setKind(e.currentTarget.value)}
      />
      <Button type="submit" busy={busy} disabled={kind === file.kind}>
        Save the kind
      </Button>
    </form>
  );
}

interface FileCardProps {
  file: SourceFile;
  migrationId: number;
  onChanged: () => Promise<void>;
}

export function FileCard(props: FileCardProps) {
  const { file } = props;
  const headingId = useId();
  const status = STATUS_WORDS[file.status] ?? { label: file.status, tone: 'neutral' as const };
  const check = needsKindCheck(file);
  const failed = file.status === 'failed' || file.status === 'staging';
  // A long upload lists many files: those that need the admin start open, the others as one line.
  const [open, setOpen] = useState(check || failed);
  return (
    <article
      className={check ? 'card file-card file-card--check' : 'card file-card'}
      aria-labelledby={headingId}
    >
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="file-card__summary">
          <span className="file-card__head">
            <h3 id={headingId} className="file-card__name">
              {displayName(file)}
            </h3>
            <Badge tone={status.tone}>{status.label}</Badge>
            {check && <Badge tone="warning">Check the kind</Badge>}
          </span>
          <span className="file-card__brief">{briefOf(file)}</span>
        </summary>
        <FileDetails {...props} />
      </details>
    </article>
  );
}

/** The one line a closed card shows: what the file is and how much of it there is. */
function briefOf(f: SourceFile): string {
  if (f.status === 'kept') return `${kindLabel(f.kind)}, kept as it is`;
  if (f.status !== 'staged') return 'Could not be read';
  const issues = f.issues.reduce((n, i) => n + i.count, 0);
  const rows = `${formatCount(f.rowCount)} ${f.rowCount === 1 ? 'row' : 'rows'}`;
  const found = issues === 0 ? 'no issues' : `${formatCount(issues)} ${issues === 1 ? 'issue' : 'issues'}`;
  return `${kindLabel(f.kind)}, ${rows}, ${found}`;
}

function FileDetails(props: FileCardProps) {
  const { file, migrationId } = props;
  const failed = file.status === 'failed' || file.status === 'staging';
  const read = file.status === 'staged';
  return (
    <div className="file-card__body">
      {failed && file.error && (
        <p className="file-card__error">
          <strong>Why it failed: </strong>
          {file.error.message}
        </p>
      )}
      <dl className="facts facts--compact">
        <dt>Kind</dt>
        <dd>{kindLabel(file.kind)}</dd>
        {!failed && (
          <>
            <dt>Confidence</dt>
            <dd>{confidenceWords(file.kindConfidence, file.kindOverridden)}</dd>
          </>
        )}
        {file.kindEvidence.length > 0 && (
          <>
            <dt>Why</dt>
            <dd>
              <ul className="plain-list">
                {file.kindEvidence.map((e) => (
                  <li key={e}>{e[0]?.toUpperCase() + e.slice(1)}.</li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {read && (
          <>
            <dt>Rows</dt>
            <dd>{formatCount(file.rowCount)}</dd>
            <dt>Encoding</dt>
            <dd>{encodingWords(file.encoding)}</dd>
            {file.sheetName === null && (
              <>
                <dt>Delimiter</dt>
                <dd>{delimiterWords(file.delimiter)}</dd>
              </>
            )}
            {file.sheetName !== null && (
              <>
                <dt>Sheet</dt>
                <dd>{file.sheetName}</dd>
              </>
            )}
            <dt>Header row</dt>
            <dd>{headerRowWords(file.headerRowIndex)}</dd>
            <dt>Columns</dt>
            <dd>{formatCount(file.headers.length)}</dd>
          </>
        )}
        <dt>Size</dt>
        <dd>{formatBytes(file.byteSize)}</dd>
      </dl>
      {file.warnings.length > 0 && (
        <div className="file-card__block">
          <h4 className="file-card__subtitle">Noticed while reading</h4>
          <ul className="plain-list">
            {file.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {read && <FileIssues file={file} migrationId={migrationId} />}
      {!failed && <KindForm {...props} />}
    </div>
  );
}

function FileIssues({ file, migrationId }: { file: SourceFile; migrationId: number }) {
  if (file.issues.length === 0) return <p className="file-card__clean">No issues in this file's rows.</p>;
  return (
    <div className="file-card__block">
      <h4 className="file-card__subtitle">Issues in this file's rows</h4>
      <ul className="issue-list">
        {file.issues.map((i) => (
          <li key={`${i.entity}:${i.code}:${i.severity}`} className="issue-list__item">
            <span className="issue-list__words">{issueWords(i.code)}</span>
            <Badge tone={i.severity === 'error' ? 'danger' : i.severity === 'warning' ? 'warning' : 'info'}>
              {severityCount(i.severity, i.count)}
            </Badge>
            {ENTITY_WORDS[i.entity]?.listable && (
              <LinkButton
                size="small"
                variant="ghost"
                to={paths.records(String(migrationId), i.entity, i.code)}
                aria-label={`Show the ${ENTITY_WORDS[i.entity]?.many} with: ${issueWords(i.code)}`}
              >
                Show them
              </LinkButton>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
