// Pure helpers of the upload queue: how far each file of a multipart upload is, and which of the
// server's per-file results belong to which uploaded file.
import type { FileResult } from '../../api/migrations.ts';

/**
 * Bytes sent of each file, from the bytes sent of the whole multipart body. The body is the files in
 * order plus a little framing around each, spread here in proportion so the last file ends at the end.
 */
export function fileProgress(sizes: readonly number[], loaded: number, total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const position = total > 0 ? (Math.min(loaded, total) / total) * sum : 0;
  let start = 0;
  return sizes.map((size) => {
    const sent = Math.max(0, Math.min(size, position - start));
    start += size;
    return Math.round(sent);
  });
}

/** The name the server gives an uploaded file: its base name, at most 255 characters. */
export function serverFileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.slice(0, 255) || 'upload';
}

/** Whether a result is about this upload: the file itself, a sheet of it, or an entry of its zip. */
function belongs(result: FileResult, uploaded: string): boolean {
  return result.name === uploaded || result.name.startsWith(`${uploaded}/`);
}

/**
 * The server answers with results in upload order, one per file, sheet or zip entry. Each uploaded
 * file takes the results that follow and carry its name: one for a plain file (or a whole-file
 * failure), else its sheets or entries until one repeats (the next upload of the same name starts
 * there). Results out of that order go to the file of their name; any other is returned apart.
 */
export function matchResults(
  names: readonly string[],
  results: readonly FileResult[],
): { perFile: FileResult[][]; unmatched: FileResult[] } {
  const perFile: FileResult[][] = names.map(() => []);
  const unmatched: FileResult[] = [];
  let cursor = 0;
  names.forEach((raw, i) => {
    const name = serverFileName(raw);
    const mine = perFile[i] as FileResult[];
    const taken = new Set<string>();
    while (cursor < results.length) {
      const r = results[cursor] as FileResult;
      const key = `${r.name}\u0000${r.sheetName ?? ''}`;
      if (!belongs(r, name) || taken.has(key)) break;
      taken.add(key);
      mine.push(r);
      cursor += 1;
      if (r.name === name && r.sheetName === null) break;
    }
  });
  // Out of order (a server that answers in another order): by name alone, else apart.
  for (const r of results.slice(cursor)) {
    const i = names.findIndex((n) => belongs(r, serverFileName(n)));
    if (i >= 0) perFile[i]?.push(r);
    else unmatched.push(r);
  }
  return { perFile, unmatched };
}
