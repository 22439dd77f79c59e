// /v1/callLogs: real call records with historical start and end times (scope phone-integration).
import { Router } from 'express';
import { v1Time } from '../../clock.ts';
import { v1Body, v1Int, v1Page, v1String, v1Timestamp } from '../../entities/v1-input.ts';
import { badRequest, notFound, ok, send } from '../../http.ts';
import type { Sandbox } from '../../sandbox.ts';
import { CALL_OUTCOMES, type CallLogRecord } from '../../state/types.ts';
import { mount } from '../route.ts';

function present(companyId: number, l: CallLogRecord): Record<string, unknown> {
  return {
    id: l.id,
    activity_id: l.activity_id,
    person_id: l.person_id,
    org_id: l.org_id,
    deal_id: null,
    lead_id: null,
    subject: l.subject,
    duration: l.duration,
    outcome: l.outcome,
    from_phone_number: l.from_phone_number,
    to_phone_number: l.to_phone_number,
    has_recording: false,
    start_time: l.start_time,
    end_time: l.end_time,
    user_id: l.user_id,
    company_id: companyId,
    note: l.note,
  };
}

export function callLogRoutes(sandbox: Sandbox): Router {
  const r = Router();

  mount(sandbox, r, 'post', '/callLogs', 'addCallLog', (req, res, caller) => {
    const body = v1Body(req.body);
    const company = caller.company;
    const outcome = body.outcome as CallLogRecord['outcome'];
    if (!CALL_OUTCOMES.includes(outcome))
      throw badRequest(`outcome must be one of ${CALL_OUTCOMES.join(', ')}`);
    const to = v1String(body.to_phone_number, 'to_phone_number');
    if (!to) throw badRequest('to_phone_number is required');
    const start = v1Timestamp(body.start_time, 'start_time');
    const end = v1Timestamp(body.end_time, 'end_time');
    if (start === undefined) throw badRequest('start_time is required');
    if (end === undefined) throw badRequest('end_time is required');
    if (end < start) throw badRequest('end_time must not be before start_time');
    for (const k of ['deal_id', 'lead_id'])
      if (body[k] != null) throw badRequest(`${k.replace('_id', '')} not found`);
    const userId = v1Int(body.user_id, 'user_id') ?? caller.userId;
    if (!company.userExists(userId)) throw badRequest('User not found');
    const personId = v1Int(body.person_id, 'person_id') ?? null;
    const orgId = v1Int(body.org_id, 'org_id') ?? null;
    const activityId = v1Int(body.activity_id, 'activity_id') ?? null;
    if (personId !== null && !company.personExists(personId)) throw notFound('Person not found');
    if (orgId !== null && !company.orgExists(orgId)) throw notFound('Organization not found');
    if (activityId !== null && !company.activities.getLive(activityId)) throw notFound('Activity not found');
    const record: CallLogRecord = {
      id: company.nextCallLogId(),
      user_id: userId,
      activity_id: activityId,
      person_id: personId,
      org_id: orgId,
      subject: v1String(body.subject, 'subject') ?? null,
      duration: body.duration === undefined || body.duration === null ? null : String(body.duration),
      outcome,
      from_phone_number: v1String(body.from_phone_number, 'from_phone_number') ?? null,
      to_phone_number: to,
      start_time: v1Time(start),
      end_time: v1Time(end),
      note: v1String(body.note, 'note') ?? null,
      add_time: sandbox.clock.now(),
    };
    company.callLogs.set(record.id, record);
    sandbox.changed();
    ok(res, present(company.id, record));
  });

  mount(sandbox, r, 'get', '/callLogs', 'getUserCallLogs', (req, res, caller) => {
    const mine = [...caller.company.callLogs.values()].filter((l) => l.user_id === caller.userId);
    const { page, pagination } = v1Page(mine, req.query as Record<string, unknown>, 50);
    send(res, {
      success: true,
      data: page.map((l) => present(caller.company.id, l)),
      additional_data: { pagination },
    });
  });

  mount(sandbox, r, 'get', '/callLogs/:id', 'getCallLog', (req, res, caller) => {
    const l = caller.company.callLogs.get(String(req.params.id));
    if (!l) throw notFound('Call log not found');
    ok(res, present(caller.company.id, l));
  });

  mount(sandbox, r, 'delete', '/callLogs/:id', 'deleteCallLog', (req, res, caller) => {
    if (!caller.company.callLogs.delete(String(req.params.id))) throw notFound('Call log not found');
    sandbox.changed();
    send(res, { success: true });
  });

  return r;
}
