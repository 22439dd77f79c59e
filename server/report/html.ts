// The reconciliation report as one self-contained HTML page: inline CSS, inline SVG charts (records by
// state per object; engagement-score distribution, source against migrated), no script, no CDN, no
// external request. Every text from the data is escaped. Pure.
import { FINAL_STATES, type FinalState, type Histogram, type ReconciliationReport } from './model.ts';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATE_COLOURS: Record<FinalState, string> = {
  created: '#2e7d32',
  updated: '#1565c0',
  skipped: '#f9a825',
  failed: '#c62828',
  rolled_back: '#6a1b9a',
  not_run: '#9e9e9e',
};
const STATE_WORDS: Record<FinalState, string> = {
  created: 'created',
  updated: 'updated',
  skipped: 'skipped',
  failed: 'failed',
  rolled_back: 'rolled back',
  not_run: 'not run yet',
};

const NO_RUN = '<p class="none">No run yet: these figures appear once the migration has run.</p>';
const n = (v: number) => v.toLocaleString('en-US');

/** Horizontal stacked bars: one per object, its staged records split by final state. */
export function statesChart(r: ReconciliationReport): string {
  const rows = r.objects.filter((o) => o.states);
  if (rows.length === 0) return '';
  const width = 600;
  const label = 110;
  const bar = 22;
  const height = rows.length * (bar + 10) + 30;
  const max = Math.max(1, ...rows.map((o) => o.staged));
  const parts: string[] = [];
  rows.forEach((o, i) => {
    const y = i * (bar + 10);
    parts.push(`<text x="0" y="${y + 16}" class="lbl">${escapeHtml(o.entity)}</text>`);
    let x = label;
    for (const s of FINAL_STATES) {
      const v = o.states![s];
      if (v === 0) continue;
      const w = ((width - label - 10) * v) / max;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${STATE_COLOURS[s]}"><title>${escapeHtml(`${o.entity}: ${n(v)} ${STATE_WORDS[s]}`)}</title></rect>`,
      );
      x += w;
    }
  });
  let lx = 0;
  const legendY = rows.length * (bar + 10) + 14;
  for (const s of FINAL_STATES) {
    parts.push(
      `<rect x="${lx}" y="${legendY - 10}" width="10" height="10" fill="${STATE_COLOURS[s]}"/><text x="${lx + 14}" y="${legendY}" class="lgd">${STATE_WORDS[s]}</text>`,
    );
    lx += 95;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Records by state" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Grouped bars per score bin: the source's distribution, and the migrated one beside it when there is one. */
export function engagementChart(source: Histogram, migrated: Histogram | null): string {
  const width = 600;
  const height = 220;
  const base = 180;
  const max = Math.max(1, ...source.bins.map((b) => b.count), ...(migrated?.bins.map((b) => b.count) ?? []));
  const slot = (width - 40) / 10;
  const barW = migrated ? slot / 2 - 4 : slot - 8;
  const parts: string[] = [`<line x1="30" y1="${base}" x2="${width}" y2="${base}" stroke="#555"/>`];
  source.bins.forEach((b, i) => {
    const x = 34 + i * slot;
    const h = ((base - 10) * b.count) / max;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="#1565c0"><title>source ${b.from}–${b.to}: ${n(b.count)}</title></rect>`,
    );
    const m = migrated?.bins[i];
    if (m) {
      const hm = ((base - 10) * m.count) / max;
      parts.push(
        `<rect x="${(x + barW + 2).toFixed(1)}" y="${(base - hm).toFixed(1)}" width="${barW.toFixed(1)}" height="${hm.toFixed(1)}" fill="#2e7d32"><title>migrated ${m.from}–${m.to}: ${n(m.count)}</title></rect>`,
      );
    }
    parts.push(`<text x="${(x + slot / 2 - 6).toFixed(1)}" y="${base + 16}" class="lgd">${b.from}</text>`);
  });
  parts.push(
    `<rect x="34" y="${height - 14}" width="10" height="10" fill="#1565c0"/><text x="48" y="${height - 5}" class="lgd">source</text>`,
  );
  if (migrated)
    parts.push(
      `<rect x="120" y="${height - 14}" width="10" height="10" fill="#2e7d32"/><text x="134" y="${height - 5}" class="lgd">migrated</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Engagement score distribution" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.none{color:#666;font-style:italic}
.lbl{font-size:13px}.lgd{font-size:11px}`;

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const reasons = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${escapeHtml(k)} ${n(v)}`)
    .join(', ');

export function reportHtml(r: ReconciliationReport): string {
  const ran = r.runs.length > 0;
  const objects = table(
    [
      'Object',
      'Source rows',
      'Merged duplicates',
      'Staged',
      ...FINAL_STATES.map((s) => STATE_WORDS[s]),
      'Skip reasons',
      'Failure reasons',
    ],
    r.objects.map((o) => [
      escapeHtml(o.entity),
      o.sourceRows === null ? '—' : n(o.sourceRows),
      o.mergedRows === null ? '—' : n(o.mergedRows),
      n(o.staged),
      ...FINAL_STATES.map((s) => (o.states ? n(o.states[s]) : '—')),
      o.reasons ? reasons(o.reasons.skipped) || '—' : '—',
      o.reasons ? reasons(o.reasons.failed) || '—' : '—',
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const coverage = table(
    ['File', 'Column', 'Destination', 'Rows', '% populated', '% verified'],
    r.coverage.map((c) => [
      escapeHtml(c.fileName),
      escapeHtml(c.header),
      escapeHtml(c.destination),
      n(c.rows),
      `${c.populatedPct.toFixed(1)} %`,
      c.verifiedPct === null ? '—' : `${c.verifiedPct.toFixed(1)} %`,
    ]),
    [3, 4, 5],
  );
  const ownerCounts = r.owners?.counts
    ? `<p>${n(r.owners.counts.matched)} record(s) with an owner matched to a Pipedrive user, ${n(r.owners.counts.defaulted)} given the default owner.</p>`
    : '';
  const userName = (id: number | null) => (id === null ? 'the default owner' : `Pipedrive user ${id}`);
  const owners = r.owners?.unavailable
    ? `${ownerCounts}<p>${escapeHtml(r.owners.unavailable)}</p>`
    : r.owners
      ? ownerCounts +
        table(
          ['Owner email', 'Resolution', 'Records'],
          [
            ...r.owners.matched.map((o) => [
              escapeHtml(o.email),
              `matched ${userName(o.userId)}`,
              n(o.records),
            ]),
            ...r.owners.defaulted.map((o) => [
              o.email === null ? '(none in the export)' : escapeHtml(o.email),
              `${o.email === null ? 'no owner named' : 'no such user'}: defaulted to ${userName(o.fallbackUserId)}`,
              n(o.records),
            ]),
          ],
          [2],
        )
      : NO_RUN;
  const mismatches = r.mismatches
    ? r.mismatches.length === 0
      ? '<p>None: every value written read back equal.</p>'
      : table(
          ['Object', 'Actimo id', 'Pipedrive id', 'Field', 'Sent', 'Read back'],
          r.mismatches.map((m) => [
            escapeHtml(m.entity),
            escapeHtml(m.actimoKey),
            m.pipedriveId === null ? '—' : String(m.pipedriveId),
            escapeHtml(`${m.field} (${m.target})`),
            escapeHtml(m.sent ?? '(empty)'),
            escapeHtml(m.readBack ?? '(empty)'),
          ]),
        )
    : NO_RUN;
  const runs = ran
    ? table(
        ['Run', 'Kind', 'Status', 'Started', 'Finished', 'Requests', 'Tokens'],
        r.runs.map((x) => [
          String(x.id),
          escapeHtml(x.kind),
          escapeHtml(x.status),
          escapeHtml(x.startedAt ?? '—'),
          escapeHtml(x.finishedAt ?? '—'),
          n(x.requests),
          n(x.tokens),
        ]),
        [5, 6],
      ) +
      `<p>Total: ${n(r.totals!.requests)} requests, ${n(r.totals!.tokens)} tokens${r.totals!.durationMs !== null ? `, ${(r.totals!.durationMs / 1000).toFixed(1)} s` : ''}.</p>`
    : NO_RUN;
  const src = r.engagement.source;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(`Reconciliation report: ${r.migrationName}`)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(`Reconciliation report: ${r.migrationName}`)}</h1>
<p>Migration ${r.migrationId}, generated ${escapeHtml(r.generatedAt)}.</p>
<h2>Records by object and state</h2>
${objects}
${ran ? statesChart(r) : NO_RUN}
<h2>Runs, requests and tokens</h2>
${runs}
<h2>Owner resolution</h2>
${owners}
<h2>Field coverage</h2>
${coverage}
<h2>Verification mismatches</h2>
${mismatches}
<h2>Engagement score distribution</h2>
<p>${n(src.total)} source score(s)${src.outside ? `, ${n(src.outside)} outside 0–100` : ''}${r.engagement.migrated ? `; ${n(r.engagement.migrated.total)} migrated` : ''}.</p>
${engagementChart(src, r.engagement.migrated)}
${r.engagement.migrated ? '' : NO_RUN}
<h2>Downloads</h2>
${table(
  ['Document', 'File', 'Available'],
  r.downloads.map((d) => [
    escapeHtml(d.title),
    d.available ? `<a href="${escapeHtml(d.url)}">${escapeHtml(d.name)}</a>` : escapeHtml(d.name),
    d.available ? 'yes' : 'no',
  ]),
)}
</body></html>
`;
}
