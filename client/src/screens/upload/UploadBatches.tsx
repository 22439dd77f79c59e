// Each upload while it runs (per-file progress) and once the server has answered (what became of each
// file, sheet and zip entry, failures with the server's reason).
import type { FileResult } from '../../api/migrations.ts';
import { Badge, type BadgeTone } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { formatBytes, formatCount } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { kindLabel, needsKindCheck } from '../staging-words.ts';
import { fileProgress, matchResults, serverFileName } from './upload-progress.ts';
import type { Batch } from './useUploadQueue.ts';

interface Outcome {
  tone: BadgeTone;
  badge: string;
  text: string;
}

export function outcomeOf(r: FileResult): Outcome {
  if (r.status === 'failed') return { tone: 'danger', badge: 'Failed', text: r.error?.message ?? '' };
  if (r.alreadyStaged)
    return { tone: 'neutral', badge: 'Already here', text: 'Already in this migration: nothing changed.' };
  if (r.status === 'kept') {
    const text =
      r.kind === 'attachment'
        ? 'Kept as an attached file.'
        : r.kind === 'unknown'
          ? 'Kept, but not recognised: it is not used.'
          : `Kept as ${kindLabel(r.kind)}.`;
    return { tone: 'neutral', badge: 'Kept', text };
  }
  const rows = `${formatCount(r.rows)} ${r.rows === 1 ? 'row' : 'rows'}`;
  const check = needsKindCheck({
    status: 'staged',
    kind: r.kind,
    kindConfidence: r.kindConfidence,
    kindOverridden: false,
  });
  return check
    ? { tone: 'warning', badge: 'Check', text: `${kindLabel(r.kind)}, ${rows}: check its kind below.` }
    : { tone: 'success', badge: 'Read', text: `${kindLabel(r.kind)}, ${rows}.` };
}

/** The part of a result's name that says where in the upload it was: a zip entry, a sheet. */
function partName(r: FileResult, uploaded: string): string | null {
  const inner = r.name === uploaded ? null : r.name.slice(uploaded.length + 1);
  const sheet = r.sheetName ? `sheet "${r.sheetName}"` : null;
  const parts = [inner, sheet].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}

function Outcomes({ results, uploaded }: { results: readonly FileResult[]; uploaded: string }) {
  return (
    <ul className="outcomes">
      {results.map((r, i) => {
        const o = outcomeOf(r);
        const part = partName(r, uploaded);
        return (
          // Results have no id of their own (a failed file may have none); their order is stable.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above.
          <li key={i} className="outcome">
            <Badge tone={o.tone}>{o.badge}</Badge>
            {part && <span className="outcome__part">{part}: </span>}
            <span className="outcome__text">{o.text}</span>
          </li>
        );
      })}
    </ul>
  );
}

function statusLine(batch: Batch): string {
  const files = `${batch.files.length} ${batch.files.length === 1 ? 'file' : 'files'}`;
  switch (batch.status) {
    case 'waiting':
      return `${files} waiting for the previous upload to finish.`;
    case 'sending':
      return `Sending ${files} (${formatBytes(batch.total)})…`;
    case 'reading':
      return 'Reading and checking every row. Large exports take a minute or two.';
    case 'cancelled':
      return 'Cancelled. Nothing from this upload was staged.';
    case 'failed':
      return 'The upload failed. Nothing from it was staged.';
    case 'done': {
      const results = batch.results ?? [];
      const count = (f: (r: FileResult) => boolean) => results.filter(f).length;
      const parts = [
        `${count((r) => r.status !== 'failed' && !r.alreadyStaged)} read`,
        `${count((r) => r.alreadyStaged)} already here`,
        `${count((r) => r.status === 'failed')} failed`,
      ].filter((p) => !p.startsWith('0 '));
      return `Done: ${parts.join(', ') || 'nothing in it'}.`;
    }
  }
}

function BatchCard({ batch, onCancel, onDismiss }: { batch: Batch; onCancel(): void; onDismiss(): void }) {
  const names = batch.files.map((f) => serverFileName(f.name));
  const matched = batch.results ? matchResults(names, batch.results) : null;
  const sent = fileProgress(
    batch.files.map((f) => f.size),
    batch.loaded,
    batch.total,
  );
  const moving = batch.status === 'waiting' || batch.status === 'sending' || batch.status === 'reading';
  const title = batch.files.length === 1 ? (names[0] ?? '') : `${batch.files.length} files`;
  const wholeError = batch.status === 'failed' && !matched ? batch.error : null;
  return (
    <section className="card upload-batch" aria-label={`Upload of ${title}`}>
      <div className="upload-batch__head">
        <h3 className="upload-batch__title">Upload of {title}</h3>
        {batch.status === 'waiting' || batch.status === 'sending' ? (
          <Button size="small" onClick={onCancel}>
            Cancel
          </Button>
        ) : batch.status !== 'reading' ? (
          <Button size="small" variant="ghost" onClick={onDismiss}>
            Dismiss
          </Button>
        ) : null}
      </div>
      <p className="upload-batch__status" role="status">
        {statusLine(batch)}
      </p>
      {wholeError !== null && (
        <p className="field__error" role="alert">
          {wholeError instanceof Error ? wholeError.message : String(wholeError)}
        </p>
      )}
      <ul className="upload-files">
        {batch.files.map((file, i) => (
          // Two dropped files may share a name; their position in the upload tells them apart.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above.
          <li key={i} className="upload-file">
            {moving || !matched ? (
              <ProgressBar
                label={file.name}
                value={batch.status === 'reading' ? file.size : (sent[i] ?? 0)}
                max={file.size}
                format={formatBytes}
                status={batch.status === 'cancelled' || batch.status === 'failed' ? 'failed' : 'running'}
              />
            ) : (
              <>
                <div className="upload-file__name">{file.name}</div>
                {(matched.perFile[i] ?? []).length > 0 ? (
                  <Outcomes results={matched.perFile[i] ?? []} uploaded={names[i] ?? ''} />
                ) : (
                  <p className="upload-file__none">The server said nothing about this file.</p>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {matched && matched.unmatched.length > 0 && <Outcomes results={matched.unmatched} uploaded="" />}
    </section>
  );
}

export function UploadBatches({
  batches,
  onCancel,
  onDismiss,
}: {
  batches: readonly Batch[];
  onCancel(id: number): void;
  onDismiss(id: number): void;
}) {
  if (batches.length === 0) return null;
  return (
    <div className="upload-batches">
      {batches.map((b) => (
        <BatchCard key={b.id} batch={b} onCancel={() => onCancel(b.id)} onDismiss={() => onDismiss(b.id)} />
      ))}
    </div>
  );
}
