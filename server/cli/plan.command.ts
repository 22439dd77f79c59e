// `actimo-pipedrive plan <migrationId> [--mapping file.json]`: prints the migration's field map (proposed
// on first use) with every column's field, destination, transform, confidence and reason, what blocks
// confirmation, and the gaps. `--mapping` first applies a mapping profile file (as exported by the
// panel or GET /api/mapping-profiles/:id) as the map's next version.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { boot } from '../boot.ts';
import { ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { buildMapping } from '../mapping/index.ts';
import type { MapView } from '../mapping/view.ts';
import { buildServices } from '../services.ts';
import { LOCAL_COMPANY } from '../tenants/tenant-context.ts';
import { type CliIo, emit, type OutputOptions } from './io.ts';

const pct = (n: number) => `${Math.round(n * 100)}%`.padStart(4);

function human(v: MapView): string {
  const lines = [
    `Migration ${v.migrationId}: field map version ${v.version} (${v.status})${v.note ? ` — ${v.note}` : ''}`,
  ];
  for (const f of v.files) {
    lines.push('', `${f.name} (${f.kind})`);
    const width = Math.min(28, Math.max(...f.columns.map((c) => c.header.length)));
    for (const c of f.columns) {
      lines.push(
        `  ${c.header.padEnd(width)}  ${pct(c.confidence)}  ${c.field ?? '(ignored)'} → ${c.destination}`,
      );
      lines.push(`  ${' '.repeat(width)}        why: ${c.reason}`);
      if (c.field !== null) lines.push(`  ${' '.repeat(width)}        how: ${c.transform}`);
      for (const flag of c.flags)
        lines.push(`  ${' '.repeat(width)}        ${flag.blocking ? '!' : '·'} ${flag.message}`);
    }
  }
  lines.push('', 'Destinations');
  for (const d of v.destinations) {
    if (!d.hasData && d.destination.kind === 'ignore') continue;
    lines.push(
      `  ${d.entity === 'person' ? 'Person' : 'Organization'} ${d.label}: ${d.description}${d.hasData ? '' : ' (no column feeds it)'}`,
    );
  }
  if (v.gaps.columnsWithoutDestination.length) {
    lines.push('', 'Columns with no destination');
    for (const g of v.gaps.columnsWithoutDestination) lines.push(`  ${g.fileName}: ${g.header} (${g.why})`);
  }
  lines.push('');
  if (v.blockers.length === 0)
    lines.push(v.status === 'confirmed' ? 'Confirmed.' : 'Nothing blocks confirmation.');
  else {
    lines.push(
      `${v.blockers.length} thing${v.blockers.length === 1 ? '' : 's'} to decide before the map can be confirmed:`,
    );
    for (const b of v.blockers) lines.push(`  ! ${b.message}`);
  }
  return lines.join('\n');
}

export function registerPlanCommands(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description("print a migration's field map: every column's destination, confidence and reason")
    .argument('<migrationId>', 'the migration (see `stage`)')
    .option('--mapping <file>', 'apply a mapping profile file (JSON) to the map first')
    .action(async (migrationArg: string, o: { mapping?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions>();
      if (!/^[1-9]\d*$/.test(migrationArg))
        throw new ValidationError('invalid_id', 'The migration id must be a positive whole number.');
      let mappingFile: unknown;
      if (o.mapping) {
        const text = await readFile(o.mapping, 'utf8').catch(() => {
          throw new ValidationError('file_not_found', `${o.mapping} cannot be read.`);
        });
        try {
          mappingFile = JSON.parse(text);
        } catch {
          throw new ValidationError('invalid_profile', `${o.mapping} is not JSON.`);
        }
      }
      const runtime = await boot({ logLevel: 'silent', demoSandbox: false });
      const { config, db } = runtime;
      try {
        const services = buildServices({ config, db, logger: createLogger('silent') });
        const mapping = buildMapping({ db, dataDir: config.dataDir, pipedrive: services.pipedrive });
        const companyId = LOCAL_COMPANY.id;
        const userId = LOCAL_COMPANY.userId;
        const migrationId = Number(migrationArg);
        const view =
          mappingFile === undefined
            ? await mapping.maps.view(companyId, migrationId, userId)
            : await mapping.profiles.applyDocument(
                companyId,
                migrationId,
                userId,
                mapping.profiles.parse(mappingFile),
                `mapping file ${o.mapping}`,
              );
        emit(io, opts, view, human);
      } finally {
        await runtime.close();
      }
    });
}
