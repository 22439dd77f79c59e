import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FakeUpload } from '../testing/fake-api.ts';
import { ApiClient } from './client.ts';
import type { UploadProgress } from './upload.ts';

/** Records what an upload sends and plays the server's part: progress, then the next answer. */
class FakeXhr extends FakeUpload {
  static sent: FakeXhr[] = [];
  static answers: Array<{ status: number; body: string } | 'network' | 'hang'> = [];

  constructor() {
    super(FakeXhr.sent as FakeUpload[]);
    this.requestId = 'up-1';
  }

  override send(body: FormData) {
    super.send(body);
    const answer = FakeXhr.answers.shift() ?? { status: 200, body: '{"files":2}' };
    if (answer === 'hang') return;
    queueMicrotask(() => {
      if (answer === 'network') {
        this.fail();
        return;
      }
      this.progress(50, 100);
      this.progress(100, 100);
      this.respondText(answer.status, answer.body);
    });
  }
}

function client(tokens: string[] = []) {
  FakeXhr.sent = [];
  let i = 0;
  return new ApiClient({
    createXhr: () => new FakeXhr() as unknown as XMLHttpRequest,
    tokens: {
      get: async () => tokens[i] ?? null,
      invalidate: () => {
        i += 1;
      },
    },
  });
}

const result = z.object({ files: z.number() });
const files = () => [new File(['a,b\n1,2\n'], 'users.csv'), new File(['zip'], 'export.zip')];

describe('upload', () => {
  it('posts the files as multipart with the token, fields first, and reports progress', async () => {
    const api = client(['jwt-9']);
    const progress: UploadProgress[] = [];
    const answer = await api.upload('/api/migrations/1/files', {
      files: files(),
      fields: { note: 'October export' },
      schema: result,
      onProgress: (p) => progress.push(p),
    });
    expect(answer).toEqual({ files: 2 });
    const xhr = FakeXhr.sent[0]!;
    expect([xhr.method, xhr.url]).toEqual(['POST', '/api/migrations/1/files']);
    expect(xhr.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer jwt-9' });
    expect([...xhr.body!.keys()]).toEqual(['note', 'files', 'files']);
    expect(xhr.body!.getAll('files').map((f) => (f as File).name)).toEqual(['users.csv', 'export.zip']);
    expect(progress).toEqual([
      { loaded: 50, total: 100 },
      { loaded: 100, total: 100 },
    ]);
  });

  it("rejects with the server's error", async () => {
    FakeXhr.answers = [
      {
        status: 413,
        body: '{"error":{"code":"upload_too_large","message":"Over 2 GiB.","requestId":"r-7"}}',
      },
    ];
    await expect(client().upload('/api/u', { files: files(), schema: result })).rejects.toMatchObject({
      status: 413,
      code: 'upload_too_large',
      message: 'Over 2 GiB.',
      requestId: 'r-7',
    });
  });

  it('sends the files again with a fresh token after a 401', async () => {
    FakeXhr.answers = [
      { status: 401, body: '{"error":{"code":"token_expired","message":"x","requestId":"a"}}' },
    ];
    const api = client(['old', 'new']);
    expect(await api.upload('/api/u', { files: files(), schema: result })).toEqual({ files: 2 });
    expect(FakeXhr.sent.map((x) => x.headers.Authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('says the server cannot be reached on a network failure', async () => {
    FakeXhr.answers = ['network'];
    await expect(client().upload('/api/u', { files: files(), schema: result })).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('aborts the request when the caller cancels', async () => {
    FakeXhr.answers = ['hang'];
    const controller = new AbortController();
    const pending = client().upload('/api/u', { files: files(), schema: result, signal: controller.signal });
    await vi.waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('AbortError');
    expect(FakeXhr.sent[0]?.aborted).toBe(true);
  });
});
