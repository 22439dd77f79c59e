import { describe, expect, it } from 'vitest';
import { workflowReference } from '../../server/report/artifact-documents.ts';
import { type Json, parseJsonDocument } from '../../server/report/json-read.ts';
import { workflowGuide } from '../../server/report/workflow-guide.ts';
import { normaliseWorkflowDocument } from '../../server/report/workflows.ts';

const ONBOARDING: Json = {
  exportedAt: '2026-11-20T10:00:00Z',
  workflows: [
    {
      id: 'wf-1',
      name: 'Welcome new hires',
      type: 'onboarding',
      status: 'active',
      trigger: { event: 'contact_created' },
      audience: [{ id: 'g7', name: 'Lager' }],
      steps: [
        {
          id: 's1',
          type: 'send_message',
          channel: 'email',
          message: { id: 'm1', title: 'Velkommen', body: 'Hej!' },
        },
        { id: 's2', type: 'wait', delay: '2 days' },
        {
          id: 's3',
          type: 'assign_training',
          delayHours: 4,
          training: { id: 'c9', name: 'GDPR', points: 50 },
        },
        {
          id: 's4',
          type: 'condition',
          condition: 'training completed',
          // biome-ignore lint/suspicious/noThenProperty: an Actimo export's branch, not a promise
          then: [{ type: 'add_to_group', group: 'Certified' }],
          else: [{ type: 'notify_manager' }],
        },
        { id: 's5', type: 'gamification_badge', badge: 'Rookie' },
      ],
      owner: 'hr@example.dk',
    },
  ],
  learningPaths: [
    { pathId: 'lp-2', title: 'Safety basics', courses: ['Førstehjælp', { id: 'c2', name: 'Fire drill' }] },
  ],
};

describe('normalising the Actimo workflows export', () => {
  const flows = normaliseWorkflowDocument(ONBOARDING, 'workflows.json');

  it('reads every flow of every collection, with its kind, status, trigger and audience', () => {
    expect(flows.map((f) => [f.id, f.name, f.kind, f.status, f.path])).toEqual([
      ['wf-1', 'Welcome new hires', 'onboarding', 'active', '$.workflows[0]'],
      ['lp-2', 'Safety basics', 'learning_path', 'unknown', '$.learningPaths[0]'],
    ]);
    expect(flows[0]!.triggers).toEqual([
      {
        type: 'contact_created',
        asWritten: 'contact_created',
        field: null,
        value: null,
        group: null,
        path: '$.workflows[0].trigger',
        extra: {},
      },
    ]);
    expect(flows[0]!.audiences).toEqual([{ kind: 'group', id: 'g7', name: 'Lager', extra: {} }]);
  });

  it('reads steps with their delays in minutes, their references and their branches', () => {
    const s = flows[0]!.steps;
    expect(s.map((x) => [x.id, x.type, x.delay?.minutes ?? null])).toEqual([
      ['s1', 'message', null],
      ['s2', 'wait', 2880],
      ['s3', 'training', 240],
      ['s4', 'condition', null],
      ['s5', 'other', null],
    ]);
    expect(s[0]!.message).toEqual({ id: 'm1', name: 'Velkommen', body: 'Hej!' });
    expect(s[0]!.channel).toBe('email');
    expect(s[2]!.training).toEqual({ id: 'c9', name: 'GDPR', points: 50 });
    expect(s[3]!.branches.map((b) => [b.label, b.steps.map((x) => [x.type, x.path])])).toEqual([
      ['then', [['add_to_group', '$.workflows[0].steps[3].then[0]']]],
      ['else', [['notify', '$.workflows[0].steps[3].else[0]']]],
    ]);
    expect(flows[0]!.references).toEqual({
      messages: [{ id: 'm1', name: 'Velkommen' }],
      trainings: [{ id: 'c9', name: 'GDPR' }],
      surveys: [],
      groups: [
        { id: null, name: 'Certified' },
        { id: 'g7', name: 'Lager' },
      ],
      fields: [],
    });
  });

  it('keeps every property it does not read, so nothing is lost', () => {
    expect(flows[0]!.extra).toEqual({ owner: 'hr@example.dk' });
    expect(flows[0]!.steps[4]!.extra).toEqual({ badge: 'Rookie' });
  });

  it('keeps the unread properties of audiences and of a trigger’s group', () => {
    const [flow] = normaliseWorkflowDocument(
      [
        {
          name: 'x',
          audience: { type: 'segment', name: 'Nord', filter: 'site = Aalborg' },
          trigger: { event: 'group_joined', group: { name: 'Nord', createdBy: 'hr' } },
        },
      ],
      'w.json',
    );
    expect(flow!.audiences).toEqual([
      { kind: 'segment', id: null, name: 'Nord', extra: { type: 'segment', filter: 'site = Aalborg' } },
    ]);
    expect(flow!.triggers[0]!.extra).toEqual({ group: { createdBy: 'hr' } });
  });

  it('turns a learning path’s list of courses into training steps', () => {
    expect(flows[1]!.steps.map((x) => [x.id, x.type, x.training])).toEqual([
      ['1', 'training', { id: null, name: 'Førstehjælp', points: null }],
      ['2', 'training', { id: 'c2', name: 'Fire drill', points: null }],
    ]);
  });

  it('reads ISO, short and object delays', () => {
    const steps = normaliseWorkflowDocument(
      [
        {
          name: 'x',
          steps: [
            { type: 'wait', delay: 'P1W2DT3H' },
            { type: 'wait', wait: '90m' },
            { type: 'wait', delay: { days: 1, hours: 2 } },
          ],
        },
      ],
      'w.json',
    )[0]!.steps;
    expect(steps.map((x) => x.delay)).toEqual([
      { minutes: 10080 + 2880 + 180, asWritten: 'P1W2DT3H' },
      { minutes: 90, asWritten: '90m' },
      { minutes: 1560, asWritten: '{"days":1,"hours":2}' },
    ]);
  });

  it.each([
    ['not JSON', '{"workflows": [', 'invalid_json', 'workflows.json, at $: not valid JSON'],
    [
      'no list of flows',
      '{"exportedAt": "x", "count": 2}',
      'not_workflows',
      'workflows.json, at $: no list of workflows found',
    ],
    [
      'a flow with neither id nor name',
      '{"workflows": [{"id": "a"}, {"steps": []}]}',
      'flow_without_name',
      'workflows.json, at $.workflows[1]: a workflow needs an id or a name',
    ],
    [
      'a step without a type',
      '[{"id": "a", "steps": [{"name": "hello"}]}]',
      'step_without_type',
      'workflows.json, at $[0].steps[0]: a step needs a type',
    ],
    [
      'a delay without a unit',
      '[{"id": "a", "steps": [{"type": "wait", "delay": 3}]}]',
      'delay_without_unit',
      'workflows.json, at $[0].steps[0].delay: the delay 3 has no unit',
    ],
    [
      'steps that are not a list',
      '[{"id": "a", "steps": {"type": "wait"}}]',
      'steps_not_a_list',
      'workflows.json, at $[0].steps: expected a list of steps',
    ],
    [
      'a flow that is text',
      '{"flows": ["a"]}',
      'malformed_flow',
      'workflows.json, at $.flows[0]: expected a workflow object',
    ],
  ])('refuses %s, naming the file and the path', (_what, text, code, message) => {
    let caught: unknown;
    try {
      normaliseWorkflowDocument(parseJsonDocument(text, 'workflows.json'), 'workflows.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code, kind: 'validation' });
    expect((caught as Error).message.startsWith(message)).toBe(true);
  });
});

describe('the reference and the rebuild guide', () => {
  const bytes = Buffer.from(JSON.stringify(ONBOARDING));
  const ref = workflowReference(
    4,
    [{ fileId: 11, name: 'workflows.json', sha256: 'ab', bytes }],
    new Date('2026-11-25T12:00:00Z'),
  );

  it('counts flows, steps (branches included) and steps with no Pipedrive equivalent', () => {
    expect(ref.files).toEqual([{ fileId: 11, name: 'workflows.json', sha256: 'ab', flows: 2 }]);
    // wf-1: 5 steps + 2 in branches; lp-2: 2 courses. No equivalent: training, other (wf-1), 2 trainings (lp-2).
    expect(ref.counts).toEqual({ flows: 2, steps: 9, withoutEquivalent: 4 });
  });

  it('says, per flow, the trigger, conditions and actions to set up, and what has no equivalent', () => {
    const guide = workflowGuide(ref);
    const section = guide.slice(guide.indexOf('## Welcome new hires'), guide.indexOf('## Safety basics'));
    expect(section).toBe(
      [
        '## Welcome new hires',
        '',
        'Onboarding, active; id `wf-1`, from workflows.json at `$.workflows[0]`.',
        '',
        '**Trigger**',
        '',
        '- Trigger: Person created — Actimo: contact\\_created',
        '',
        '**Conditions**',
        '',
        '- Person is in group "Lager" (id g7): Pipedrive has no groups; add the condition on the field or label that holds it (e.g. Department)',
        '',
        '**Actions**',
        '',
        '1. Action: Send email (from a connected mailbox, with an email template) — Actimo: send\\_message, message "Velkommen" (id m1), via email',
        '2. Step: Delay 2 days — Actimo: wait 2 days',
        '3. Step: Delay 4 hours (Actimo: delayHours 4)',
        '   **No equivalent** — Actimo: assign\\_training, training "GDPR" (id c9), 50 points. Workaround: Pipedrive has no courses: add the action "Create activity" (a task for the person\'s owner with the course link), and keep completions in the migrated course custom fields.',
        '4. Step: Condition (if / else branches) — Actimo: condition, when training completed',
        '   - If yes:',
        '      1. Action: Update person fields (set the label or custom field that stands for the group) — Actimo: add\\_to\\_group, group "Certified"',
        '   - Otherwise:',
        '      1. Action: Create activity (assigned to the manager or admin), or a Slack / Microsoft Teams message through their Marketplace apps — Actimo: notify\\_manager',
        '5. **No equivalent** — Actimo: gamification\\_badge. Workaround: Unknown Actimo step: rebuild it by hand from the step as written in the reference JSON.',
        '',
        '**No equivalent in Pipedrive**',
        '',
        '- Step s3 (assign\\_training, training "GDPR" (id c9), 50 points): Pipedrive has no courses: add the action "Create activity" (a task for the person\'s owner with the course link), and keep completions in the migrated course custom fields.',
        '- Step s5 (gamification\\_badge): Unknown Actimo step: rebuild it by hand from the step as written in the reference JSON.',
        '',
        '',
      ].join('\n'),
    );
    expect(
      guide.startsWith(
        '# Rebuilding the Actimo workflows in Pipedrive\n\nMigration 4, generated 2026-11-25T12:00:00.000Z. 2 flow(s), 9 step(s), 4 without a Pipedrive equivalent.\nFrom: workflows.json.\n',
      ),
    ).toBe(true);
  });

  it('counts a message by SMS or push as having no equivalent (Pipedrive sends email only)', () => {
    const flows = normaliseWorkflowDocument(
      [
        {
          name: 'x',
          steps: [
            { type: 'send_message', channel: 'SMS' },
            { type: 'send_message', channel: 'email' },
          ],
        },
      ],
      'w.json',
    );
    const r = workflowReference(
      1,
      [
        {
          fileId: 1,
          name: 'w.json',
          sha256: 'c',
          bytes: Buffer.from(
            JSON.stringify([
              {
                name: 'x',
                steps: [
                  { type: 'send_message', channel: 'SMS' },
                  { type: 'send_message', channel: 'email' },
                ],
              },
            ]),
          ),
        },
      ],
      new Date(0),
    );
    expect(flows[0]!.steps.map((s) => [s.type, s.channel])).toEqual([
      ['message', 'SMS'],
      ['message', 'email'],
    ]);
    expect(r.counts).toEqual({ flows: 1, steps: 2, withoutEquivalent: 1 });
    expect(workflowGuide(r)).toContain(
      '1. **No equivalent** — Actimo: send\\_message, via SMS. Workaround: Pipedrive sends no SMS or push messages: send an email instead (action "Send email"), or use an SMS app from the Pipedrive Marketplace.',
    );
  });
});
