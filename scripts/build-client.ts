// `npm start` runs this first: builds the panel when dist/client is missing or older than client/.
// `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = path.join(root, 'client');
const builtIndex = path.join(root, 'dist', 'client', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const m = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (m > newest) newest = m;
  }
  return newest;
}

const force = process.argv.includes('--force');
const upToDate = existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestMtime(clientDir);
if (force || !upToDate) {
  await build({ configFile: path.join(clientDir, 'vite.config.ts'), logLevel: 'warn' });
  process.stdout.write('panel built into dist/client\n');
}
