// `npm run bench [-- name…]`: runs every bench/*.bench.ts (or those whose name contains a given word),
// one after another in this process. Each file's default export runs its benchmark and prints figures.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  process.stdout.write(
    filters.length ? `No benchmark matches ${filters.join(', ')}.\n` : 'No benchmarks yet.\n',
  );
}
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}
