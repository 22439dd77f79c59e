import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateExportSet } from '../fixtures/generate.ts';

async function digest(seed: number, language: 'en' | 'da'): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gen-'));
  try {
    const set = await generateExportSet({ dir, users: 500, seed, language, shuffle: true });
    return set.files.map(
      (f) => `${path.basename(f)}:${createHash('sha256').update(readFileSync(f)).digest('hex')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('generateExportSet', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', async () => {
    const a = await digest(9, 'da');
    expect(await digest(9, 'da')).toEqual(a);
    expect(await digest(10, 'da')).not.toEqual(a);
  });

  it('writes every export kind, with the quirks in proportion', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gen-'));
    try {
      const set = await generateExportSet({ dir, users: 1000, language: 'en' });
      expect(set.rows).toEqual({
        'users.csv': 1010,
        'companies.csv': 5,
        'memberships.csv': 200,
        'engagement.csv': 500,
        'training.csv': 1000,
        'messages.csv': 500,
        'surveys.csv': 200,
        'activities.csv': 50,
        'files.csv': 5,
      });
      const users = readFileSync(path.join(dir, 'users.csv'), 'utf8');
      expect(users.split('\r\n')[0]).toBe(
        'User ID,First name,Last name,Email,Mobile,Job title,Department,Company ID,Created',
      );
      expect(users).toContain('😀');
      expect(users).toContain('(at)example.dk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
