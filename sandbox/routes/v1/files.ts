// /v1/files: multipart upload linked to a person, organization or activity; list, get, download,
// rename/describe (form-encoded PUT, as the SDK sends it), delete. Files carry no add_time input.
import busboy from 'busboy';
import { type Request, Router } from 'express';
import { v1Time } from '../../clock.ts';
import { v1Int, v1Page, v1Sort, v1String } from '../../entities/v1-input.ts';
import { ApiError, badRequest, notFound, ok } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import type { Company } from '../../state/company.ts';
import type { FileRecord } from '../../state/types.ts';
import { mount, v1Id } from '../route.ts';

interface Upload {
  fields: Record<string, string>;
  file?: { name: string; mime: string; data: Buffer };
}

function readMultipart(req: Request, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) return reject(badRequest('Request must be multipart/form-data'));
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20 } });
    } catch {
      return reject(badRequest('Malformed multipart body'));
    }
    const out: Upload = { fields: {} };
    let tooLarge = false;
    bb.on('field', (name, value) => {
      out.fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        tooLarge = true;
      });
      stream.on('end', () => {
        if (name === 'file')
          out.file = { name: info.filename ?? 'file', mime: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    bb.on('error', () => reject(badRequest('Malformed multipart body')));
    bb.on('close', () => (tooLarge ? reject(new ApiError(413, 'File is too large')) : resolve(out)));
    req.pipe(bb);
  });
}

export function presentFile(sandbox: Sandbox, company: Company, f: FileRecord): Record<string, unknown> {
  const person = f.person_id === null ? undefined : company.persons.get(f.person_id);
  const org = f.org_id === null ? undefined : company.organizations.get(f.org_id);
  const ext = /\.([A-Za-z0-9]+)$/.exec(f.name)?.[1]?.toLowerCase() ?? null;
  return {
    id: f.id,
    user_id: f.user_id,
    deal_id: null,
    person_id: f.person_id,
    org_id: f.org_id,
    product_id: null,
    activity_id: f.activity_id,
    lead_id: null,
    project_id: null,
    add_time: v1Time(f.add_time),
    update_time: v1Time(f.update_time),
    file_name: f.file_name,
    file_size: f.content.length,
    active_flag: f.deleted_at === null,
    inline_flag: false,
    remote_location: 's3',
    remote_id: f.file_name,
    cid: null,
    s3_bucket: null,
    mail_message_id: null,
    mail_template_id: null,
    deal_name: null,
    person_name: person?.name ?? null,
    org_name: org?.name ?? null,
    product_name: null,
    lead_name: null,
    project_name: null,
    url: `${sandbox.baseUrl}/v1/files/${f.id}/download`,
    name: f.name,
    description: f.description,
    file_type: ext,
  };
}

function liveFile(company: Company, id: number): FileRecord {
  const f = company.files.getLive(id);
  if (!f) throw notFound('File not found');
  return f;
}

export function fileRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'post', '/files', 'addFile', async (req, res, caller) => {
    const upload = await readMultipart(req, sandbox.settings.maxUploadBytes);
    if (!upload.file) throw badRequest('No file was uploaded (form field "file")');
    const company = caller.company;
    for (const k of ['deal_id', 'product_id', 'lead_id', 'project_id']) {
      if (upload.fields[k] !== undefined) throw badRequest(`${k.replace('_id', '')} not found`);
    }
    const personId = v1Int(upload.fields.person_id, 'person_id') ?? null;
    const orgId = v1Int(upload.fields.org_id, 'org_id') ?? null;
    const activityId = v1Int(upload.fields.activity_id, 'activity_id') ?? null;
    if (personId === null && orgId === null && activityId === null)
      throw badRequest(
        'One of person_id, org_id, activity_id, deal_id, product_id, lead_id or project_id is required',
      );
    if (personId !== null && !company.personExists(personId)) throw badRequest('Person not found');
    if (orgId !== null && !company.orgExists(orgId)) throw badRequest('Organization not found');
    if (activityId !== null && !company.activities.getLive(activityId))
      throw badRequest('Activity not found');
    const now = sandbox.clock.now();
    const id = company.files.nextId();
    const safeName = upload.file.name.replace(/[^\w.-]+/g, '_') || 'file';
    const record: FileRecord = {
      id,
      user_id: caller.userId,
      person_id: personId,
      org_id: orgId,
      activity_id: activityId,
      file_name: `${id}_${safeName}`,
      file_type: upload.file.mime,
      name: upload.file.name,
      description: null,
      content: upload.file.data,
      add_time: now,
      update_time: now,
      deleted_at: null,
    };
    company.files.insert(record);
    sandbox.changed();
    ok(res, presentFile(sandbox, company, record), undefined, 201);
  });

  mount(sandbox, r, 'get', '/files', 'getFiles', (req, res, caller) => {
    const q = req.query as Record<string, unknown>;
    const items = v1Sort([...caller.company.files.live()], q.sort, {
      id: (f) => f.id,
      add_time: (f) => f.add_time,
      update_time: (f) => f.update_time,
    });
    const { page, pagination } = v1Page(items, q);
    ok(
      res,
      page.map((f) => presentFile(sandbox, caller.company, f)),
      { pagination },
    );
  });

  mount(sandbox, r, 'get', '/files/:id', 'getFile', (req, res, caller) => {
    ok(res, presentFile(sandbox, caller.company, liveFile(caller.company, v1Id(req))));
  });

  mount(sandbox, r, 'get', '/files/:id/download', 'downloadFile', (req, res, caller) => {
    const f = liveFile(caller.company, v1Id(req));
    res.setHeader('content-type', f.file_type || 'application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename="${f.name.replace(/["\\\r\n]/g, '_')}"`);
    res.send(f.content);
  });

  mount(sandbox, r, 'put', '/files/:id', 'updateFile', (req, res, caller) => {
    const f = liveFile(caller.company, v1Id(req));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = v1String(body.name, 'name');
    const description = v1String(body.description, 'description');
    if (name !== undefined) f.name = name;
    if (description !== undefined) f.description = description;
    f.update_time = sandbox.clock.now();
    sandbox.changed();
    ok(res, presentFile(sandbox, caller.company, f));
  });

  mount(sandbox, r, 'delete', '/files/:id', 'deleteFile', (req, res, caller) => {
    const id = v1Id(req);
    liveFile(caller.company, id);
    caller.company.files.markDeleted(id, sandbox.clock.now());
    sandbox.changed();
    ok(res, { id });
  });

  return r;
}
