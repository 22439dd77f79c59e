import { describe, expect, it } from 'vitest';
import { loadManifest, parseManifest } from '../../server/manifest.ts';

const valid = () =>
  structuredClone(loadManifest()) as Record<string, unknown> & ReturnType<typeof loadManifest>;

describe('manifest.json', () => {
  it('is valid and declares the scopes the migration needs', () => {
    const m = loadManifest();
    expect(m.oauth.scopes.map((s) => s.scope)).toEqual([
      'base',
      'contacts:full',
      'contact-fields:full',
      'activities:full',
      'users:read',
      'admin',
    ]);
    expect(m.oauth.callbackPath).toBe('/auth/pipedrive/callback');
    expect(m.extensions.map((e) => e.id)).toEqual(['migration-panel']);
  });

  it('rejects a scope Pipedrive does not offer', () => {
    const m = valid();
    m.oauth.scopes.push({ scope: 'persons:write' as 'base', reason: 'not a real scope at all' });
    expect(() => parseManifest(m)).toThrow(/scope/);
  });

  it('rejects a scope listed twice', () => {
    const m = valid();
    m.oauth.scopes.push({ scope: 'base', reason: 'listed a second time' });
    expect(() => parseManifest(m)).toThrow('scopes must not repeat');
  });

  it('rejects an uninstall path other than the OAuth callback, where Pipedrive sends the DELETE', () => {
    const m = valid();
    m.uninstallCallbackPath = '/uninstall';
    expect(() => parseManifest(m)).toThrow('uninstallCallbackPath must equal oauth.callbackPath');
  });

  it('rejects webhooks without the admin scope', () => {
    const m = valid();
    m.oauth.scopes = m.oauth.scopes.filter((s) => s.scope !== 'admin');
    expect(() => parseManifest(m)).toThrow('webhooks need the admin scope');
  });

  it('rejects unknown keys, so a typo cannot hide', () => {
    expect(() => parseManifest({ ...valid(), scopes: [] })).toThrow(/Unrecognized key/);
  });
});
