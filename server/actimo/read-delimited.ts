// Streaming CSV/TSV reading: bytes → TextDecodeStream (UTF-8 bytes) → csv-parse, with the layout sniffed from the
// first 64 KiB. Quoted newlines and delimiters, CRLF, ragged rows and empty trailing lines are csv-parse's
// job; a file cut off inside a quoted field is an error that names the line.
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { ValidationError } from '../errors.ts';
import { TextDecodeStream } from './decode.ts';
import { cleanHeaders, detectDelimiter, findHeaderRow, parseSample } from './layout.ts';
import { ROW_BATCH, type TableSource, trimRow } from './table.ts';

const SAMPLE_BYTES = 64 * 1024;

export async function readDelimited(bytes: Readable, fileName: string): Promise<TableSource> {
  const decoder = new TextDecodeStream(fileName);
  bytes.on('error', (err) => decoder.destroy(err));
  const text = bytes.pipe(decoder);
  const it = text[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SAMPLE_BYTES) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const sampleBytes = Buffer.concat(head);
  // The decoder hands out whole characters only, so the sample decodes cleanly.
  const sample = sampleBytes.toString('utf8');
  if (sample.trim() === '') {
    throw new ValidationError('empty_file', `${fileName} is empty: there is nothing to stage.`, {
      file: fileName,
    });
  }
  // Detect on whole lines only; the full text still goes to the parser.
  const lastNl = sample.lastIndexOf('\n');
  const lines = ended || lastNl < 0 ? sample : sample.slice(0, lastNl + 1);
  const delimiter = detectDelimiter(lines);
  const records = parseSample(lines, delimiter);
  const headerRowIndex = findHeaderRow(records);
  const headers = cleanHeaders(records[headerRowIndex] ?? []);
  const warnings: string[] = [];
  if (headerRowIndex > 0) {
    warnings.push(`Skipped ${headerRowIndex} title line(s) above the header row.`);
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    yield sampleBytes;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    from_line: 1,
  });
  // Errors reach the consumer through the async iterator below; this listener only keeps a late second
  // emission from becoming an unhandled 'error' event.
  parser.on('error', () => undefined);
  const source = Readable.from(chunks(), { objectMode: false });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  async function* batches(): AsyncGenerator<string[][]> {
    let index = 0;
    let batch: string[][] = [];
    let ragged = 0;
    let dataRows = 0;
    try {
      // Pull records with read() and wait only when the parser is empty: one promise per buffer of
      // records instead of one per record (a million rows make that difference visible).
      for (;;) {
        for (
          let record = parser.read() as string[] | null;
          record !== null;
          record = parser.read() as string[] | null
        ) {
          if (index++ < headerRowIndex + 1) continue;
          const row = trimRow(record);
          if (row.length === 0 || (row.length === 1 && row[0]!.trim() === '')) continue;
          if (row.length > headers.length) ragged++;
          dataRows++;
          batch.push(row);
          if (batch.length >= ROW_BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (!(await moreToRead(parser))) break;
      }
    } catch (err) {
      throw csvError(err, fileName);
    }
    if (batch.length) yield batch;
    if (dataRows === 0) {
      throw new ValidationError(
        'header_only',
        `${fileName} has a header row but no data rows: there is nothing to stage.`,
        { file: fileName, headers },
      );
    }
    if (ragged > 0)
      warnings.push(
        `${ragged} row(s) have more cells than the header; the extra cells are kept but not mapped.`,
      );
  }

  return {
    layout: { encoding: decoder.encoding, delimiter, headerRowIndex, headers, sheetName: null, warnings },
    batches: batches(),
    finalEncoding: () => decoder.encoding,
  };
}

/** Resolves true when records are readable, false at the end; rejects with the stream's error. */
function moreToRead(stream: Readable): Promise<boolean> {
  if (stream.errored) return Promise.reject(stream.errored);
  if (stream.readableEnded) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    const done = (result: boolean | Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onReadable = () => done(true);
    const onEnd = () => done(false);
    const onError = (err: Error) => done(err);
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function csvError(err: unknown, fileName: string): unknown {
  const e = err as Partial<CsvError> & Error;
  if (e instanceof ValidationError || !e || typeof e.code !== 'string' || !e.code.startsWith('CSV_'))
    return err;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new ValidationError(
      'truncated_file',
      `${fileName} ends inside a quoted field (${e.message.replace(/^Quote Not Closed: /, '')}): the file looks cut off. Nothing from it was staged; export it again.`,
      { file: fileName, lines: e.lines },
    );
  }
  return new ValidationError('unreadable_csv', `${fileName} is not a readable CSV file: ${e.message}`, {
    file: fileName,
    lines: e.lines,
  });
}
