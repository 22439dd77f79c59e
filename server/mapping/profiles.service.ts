// Saved mapping profiles: save the current map under a name (a new version when the name exists), apply
// one to a migration, export one as JSON, import one. A profile is also applied by itself when a new
// upload has headers it knows (MappingService.current).
import type { Knex } from '../db.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { choices } from './choices.ts';
import type { MappingService } from './map.service.ts';
import { findProfile, insertProfile, listProfiles, type ProfileRow } from './profile.repository.ts';
import {
  applyProfile,
  type ProfileDocument,
  profileDocumentSchema,
  profileFromMap,
  profileLabel,
} from './profile.ts';
import type { MapView } from './view.ts';

export interface ProfileSummary {
  id: number;
  name: string;
  version: number;
  files: Array<{ kind: string; headers: number }>;
  createdBy: number | null;
  createdAt: string;
}

function summary(p: ProfileRow): ProfileSummary {
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    files: p.document.files.map((f) => ({ kind: f.kind, headers: f.headers.length })),
    createdBy: p.createdBy,
    createdAt: p.createdAt,
  };
}

function cleanName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 255)
    throw new ValidationError('invalid_name', 'A profile name is 1 to 255 characters.');
  return n;
}

export class ProfilesService {
  constructor(
    private readonly db: Knex,
    private readonly maps: MappingService,
  ) {}

  async list(companyId: number): Promise<ProfileSummary[]> {
    return (await listProfiles(this.db, companyId)).map(summary);
  }

  private async find(companyId: number, id: number): Promise<ProfileRow> {
    const p = await findProfile(this.db, companyId, id);
    if (!p) throw new NotFoundError('profile_not_found', `Mapping profile ${id} does not exist.`);
    return p;
  }

  /** Saves the migration's current map as the next version of a named profile. */
  async save(companyId: number, migrationId: number, userId: number, name: string): Promise<ProfileSummary> {
    const map = await this.maps.current(companyId, migrationId, userId);
    const doc = profileFromMap(map.document, cleanName(name));
    return summary(await this.store(companyId, userId, doc));
  }

  private store(companyId: number, userId: number, doc: ProfileDocument): Promise<ProfileRow> {
    return insertProfile(this.db, companyId, {
      name: doc.name,
      signatures: doc.files.map((f) => f.signature),
      document: doc,
      createdBy: userId,
    });
  }

  async export(companyId: number, id: number): Promise<ProfileDocument> {
    return (await this.find(companyId, id)).document;
  }

  /** Imports a profile document (from another migration or company); `name` overrides its own. */
  async import(companyId: number, userId: number, body: unknown, name?: string): Promise<ProfileSummary> {
    const parsed = this.parse(body);
    const doc = { ...parsed, name: name === undefined ? parsed.name : cleanName(name) };
    return summary(await this.store(companyId, userId, doc));
  }

  /** Applies a saved profile to the migration's map: the files it knows, its destinations and settings. */
  async apply(
    companyId: number,
    migrationId: number,
    userId: number,
    version: number,
    id: number,
  ): Promise<MapView> {
    const profile = await this.find(companyId, id);
    await this.maps.editable(companyId, migrationId, userId, version);
    return this.applyDocument(
      companyId,
      migrationId,
      userId,
      profile.document,
      profileLabel(profile.document),
    );
  }

  /** Applies a profile document (saved, or a mapping file given to the CLI) as the map's next version. */
  async applyDocument(
    companyId: number,
    migrationId: number,
    userId: number | null,
    profile: ProfileDocument,
    label: string,
  ): Promise<MapView> {
    const latest = await this.maps.current(companyId, migrationId, userId);
    const { doc, files } = applyProfile(latest.document, profile);
    const reread = new Set(
      doc.files
        .filter((f, i) => JSON.stringify(f) !== JSON.stringify(latest.document.files[i]))
        .map((f) => f.fileId),
    );
    const next = await choices(this.db, companyId, doc);
    const note = `${label} applied to ${files} file${files === 1 ? '' : 's'}`;
    const row = await this.maps.commit(companyId, migrationId, userId, latest, next, reread, note);
    return this.maps.viewOf(companyId, row);
  }

  /** Reads a profile document from JSON (a file, a request body). */
  parse(body: unknown): ProfileDocument {
    const parsed = profileDocumentSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    throw new ValidationError(
      'invalid_profile',
      `This is not a mapping profile we can read: ${first?.path.join('.') || 'document'}: ${first?.message ?? 'invalid'}.`,
    );
  }
}
