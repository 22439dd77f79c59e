// Reading free-form JSON documents (the Actimo workflows and integrations exports) with a path for every
// value, so a malformed document is refused with the file and the JSON path of the problem, and every
// property we do not understand is kept (never dropped silently).
import { ValidationError } from '../errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A document we cannot read: names the file and the JSON path (`$.workflows[2].steps[0]`). */
export class DocumentFormatError extends ValidationError {
  override name = 'DocumentFormatError';
  constructor(
    code: string,
    readonly file: string,
    readonly path: string,
    problem: string,
  ) {
    super(code, `${file}, at ${path}: ${problem}`, { file, path });
  }
}

export function parseJsonDocument(text: string, file: string): Json {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (err) {
    throw new DocumentFormatError('invalid_json', file, '$', `not valid JSON (${(err as Error).message})`);
  }
}

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Folds a property name: `Learning_Paths`, `learningPaths` and `learning-paths` are one key. */
export const foldKey = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, '');

export const childPath = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}["${key}"]`;

/** One JSON object, read property by property; what was not read is `rest()`. */
export class ObjectReader {
  private readonly used = new Set<string>();
  constructor(
    readonly value: JsonObject,
    readonly file: string,
    readonly path: string,
  ) {}

  /** The first property whose folded name is one of `names` (in the order given). */
  take(...names: string[]): { key: string; value: Json; path: string } | undefined {
    for (const name of names) {
      const folded = foldKey(name);
      for (const key of Object.keys(this.value)) {
        if (foldKey(key) !== folded || this.used.has(key)) continue;
        this.used.add(key);
        return { key, value: this.value[key] as Json, path: childPath(this.path, key) };
      }
    }
    return undefined;
  }

  /** A scalar property as text (numbers and booleans written out); null when absent or empty. */
  text(...names: string[]): string | null {
    const t = this.take(...names);
    if (!t || t.value === null || t.value === '') return null;
    if (typeof t.value === 'string') return t.value.trim() || null;
    if (typeof t.value === 'number' || typeof t.value === 'boolean') return String(t.value);
    throw this.fail('not_text', t.path, `expected a text or a number, found ${describe(t.value)}`);
  }

  /** A property that must be a list when present (a single object or text counts as a list of one). */
  list(...names: string[]): { items: Json[]; path: string; pathOf(i: number): string } | undefined {
    const t = this.take(...names);
    if (!t || t.value === null) return undefined;
    const single = !Array.isArray(t.value);
    return {
      items: Array.isArray(t.value) ? t.value : [t.value],
      path: t.path,
      pathOf: (i) => (single ? t.path : childPath(t.path, i)),
    };
  }

  fail(code: string, path: string, problem: string): DocumentFormatError {
    return new DocumentFormatError(code, this.file, path, problem);
  }

  /** The properties not read, as written (kept in the reference so nothing is lost). */
  rest(): JsonObject {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(this.value)) if (!this.used.has(k)) out[k] = v;
    return out;
  }
}

export function describe(v: Json | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object')
    return `an object with ${Object.keys(v).slice(0, 6).join(', ') || 'no properties'}`;
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

/** Text of a list item that may be written as text, a number or an object with an id and/or a name. */
export function nameOrId(
  v: Json,
  file: string,
  path: string,
): { id: string | null; name: string | null; extra: JsonObject } {
  if (typeof v === 'string' || typeof v === 'number') return { id: null, name: String(v), extra: {} };
  if (isObject(v)) {
    const r = new ObjectReader(v, file, path);
    const id = r.text(
      'id',
      'key',
      'uuid',
      'groupId',
      'segmentId',
      'courseId',
      'trainingId',
      'messageId',
      'surveyId',
    );
    const name = r.text('name', 'title', 'label', 'subject');
    if (id === null && name === null)
      throw r.fail('missing_name', path, `expected a name or an id, found ${describe(v)}`);
    return { id, name, extra: r.rest() };
  }
  throw new DocumentFormatError(
    'not_a_reference',
    file,
    path,
    `expected a name, an id or an object, found ${describe(v)}`,
  );
}
