// How to rebuild each Actimo flow with Pipedrive Automations (an automation is a trigger, optional
// conditions, and actions; a Delay step and if/else conditions sit between actions). Per trigger and
// step type: the Pipedrive equivalent, or that there is none and the suggested workaround. Pure.
import {
  countSteps,
  type Flow,
  type Step,
  type StepType,
  type Trigger,
  type TriggerType,
  type WorkflowReference,
} from './workflows.ts';

export interface Equivalent {
  /** What to set up in Pipedrive Automations; null when Pipedrive has no equivalent. */
  pipedrive: string | null;
  /** What to do instead (always set when there is no equivalent). */
  workaround: string | null;
}

export const TRIGGER_EQUIVALENTS: Record<TriggerType, Equivalent> = {
  contact_created: { pipedrive: 'Trigger: Person created', workaround: null },
  group_joined: {
    pipedrive:
      'Trigger: Person updated, with the condition that the field holding the group (e.g. Department or a label) changed to the group',
    workaround: null,
  },
  group_left: {
    pipedrive:
      'Trigger: Person updated, with the condition that the field holding the group changed from the group',
    workaround: null,
  },
  field_changed: {
    pipedrive: 'Trigger: Person updated, with the condition "<field> has changed"',
    workaround: null,
  },
  date_reached: {
    pipedrive: null,
    workaround:
      'Pipedrive Automations do not fire when a person\'s date arrives: start the automation on "Person created" and add a Delay step, or create an activity due on that date for the owner.',
  },
  training_completed: {
    pipedrive: null,
    workaround:
      'Trainings are not in Pipedrive: the migrated "Courses completed" custom field changes only at a new import; start on "Person updated" with the condition "Courses completed has changed" if you keep importing.',
  },
  message_opened: {
    pipedrive: null,
    workaround:
      'Pipedrive does not see Actimo message opens; for emails sent from Pipedrive, use Campaigns or the email tracking of the Sales Inbox instead.',
  },
  schedule: {
    pipedrive: null,
    workaround:
      'Pipedrive Automations have no calendar trigger: create a recurring activity for the owner, or run a scheduled job that calls the Pipedrive API.',
  },
  manual: {
    pipedrive: null,
    workaround:
      'Start it by hand: add a label or set a field on the person, and trigger on "Person updated" with that condition.',
  },
  other: { pipedrive: null, workaround: 'Unknown Actimo trigger: rebuild it by hand from its description.' },
};

export const STEP_EQUIVALENTS: Record<StepType, Equivalent> = {
  message: {
    pipedrive: 'Action: Send email (from a connected mailbox, with an email template)',
    workaround: null,
  },
  training: {
    pipedrive: null,
    workaround:
      'Pipedrive has no courses: add the action "Create activity" (a task for the person\'s owner with the course link), and keep completions in the migrated course custom fields.',
  },
  survey: {
    pipedrive: null,
    workaround:
      'Pipedrive has no pulse surveys: send the survey link by email (action "Send email") from a form tool or a Marketplace survey app; the migrated "Last survey response" field keeps the history.',
  },
  wait: { pipedrive: 'Step: Delay', workaround: null },
  condition: { pipedrive: 'Step: Condition (if / else branches)', workaround: null },
  add_to_group: {
    pipedrive: 'Action: Update person fields (set the label or custom field that stands for the group)',
    workaround: null,
  },
  remove_from_group: {
    pipedrive: 'Action: Update person fields (clear the label or custom field that stands for the group)',
    workaround: null,
  },
  update_field: { pipedrive: 'Action: Update person fields', workaround: null },
  notify: {
    pipedrive:
      'Action: Create activity (assigned to the manager or admin), or a Slack / Microsoft Teams message through their Marketplace apps',
    workaround: null,
  },
  webhook: { pipedrive: 'Action: Send webhook', workaround: null },
  other: {
    pipedrive: null,
    workaround: 'Unknown Actimo step: rebuild it by hand from the step as written in the reference JSON.',
  },
};

const NO_SMS: Equivalent = {
  pipedrive: null,
  workaround:
    'Pipedrive sends no SMS or push messages: send an email instead (action "Send email"), or use an SMS app from the Pipedrive Marketplace.',
};

/** What a step becomes in Pipedrive; a message by SMS or push has no equivalent, unlike one by email. */
export function stepEquivalent(s: Step): Equivalent {
  if (s.type === 'message' && s.channel && /sms|text|push|app/i.test(s.channel)) return NO_SMS;
  return STEP_EQUIVALENTS[s.type];
}

/** Steps (branches included) that Pipedrive has no equivalent for. */
export function stepsWithoutEquivalent(steps: readonly Step[]): number {
  return steps.reduce(
    (n, s) =>
      n +
      (stepEquivalent(s).pipedrive ? 0 : 1) +
      s.branches.reduce((m, b) => m + stepsWithoutEquivalent(b.steps), 0),
    0,
  );
}

const md = (s: string) => s.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]|<>])/g, '\\$1');
const refText = (r: { id: string | null; name: string | null }) =>
  r.name && r.id ? `"${md(r.name)}" (id ${md(r.id)})` : r.name ? `"${md(r.name)}"` : `id ${md(r.id ?? '?')}`;

export function delayWords(minutes: number): string {
  if (minutes % 10080 === 0 && minutes > 0) return `${minutes / 10080} week${minutes === 10080 ? '' : 's'}`;
  if (minutes % 1440 === 0 && minutes > 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0 && minutes > 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function stepWhat(s: Step): string {
  const parts = [`${md(s.asWritten)}`];
  if (s.name) parts.push(`"${md(s.name)}"`);
  if (s.message) parts.push(`message ${refText(s.message)}`);
  if (s.channel) parts.push(`via ${md(s.channel)}`);
  if (s.training)
    parts.push(
      `training ${refText(s.training)}${s.training.points !== null ? `, ${s.training.points} points` : ''}`,
    );
  if (s.survey) parts.push(`survey ${refText(s.survey)}`);
  if (s.group) parts.push(`group ${refText(s.group)}`);
  if (s.field) parts.push(`field "${md(s.field)}"${s.value !== null ? ` = "${md(s.value)}"` : ''}`);
  if (s.condition) parts.push(`when ${md(s.condition)}`);
  if (s.url) parts.push(`to ${md(s.url)}`);
  return parts.join(', ');
}

function stepLines(steps: readonly Step[], indent: string, gaps: string[]): string[] {
  const out: string[] = [];
  steps.forEach((s, i) => {
    if (s.type === 'wait' && s.delay) {
      out.push(
        `${indent}${i + 1}. Step: Delay ${delayWords(s.delay.minutes)} — Actimo: ${stepWhat(s)} ${md(s.delay.asWritten)}`,
      );
      return;
    }
    if (s.delay)
      out.push(
        `${indent}${i + 1}. Step: Delay ${delayWords(s.delay.minutes)} (Actimo: ${md(s.delay.asWritten)})`,
      );
    const eq = stepEquivalent(s);
    const n = s.delay ? `${indent}   ` : `${indent}${i + 1}. `;
    if (eq.pipedrive) out.push(`${n}${eq.pipedrive} — Actimo: ${stepWhat(s)}`);
    else {
      out.push(`${n}**No equivalent** — Actimo: ${stepWhat(s)}. Workaround: ${eq.workaround}`);
      gaps.push(`Step ${md(s.id)} (${stepWhat(s)}): ${eq.workaround}`);
    }
    for (const b of s.branches) {
      out.push(
        `${indent}   - ${b.label === 'then' ? 'If yes' : b.label === 'else' ? 'Otherwise' : md(b.label)}:`,
      );
      out.push(
        ...(b.steps.length ? stepLines(b.steps, `${indent}      `, gaps) : [`${indent}      (nothing)`]),
      );
    }
  });
  return out;
}

function triggerLine(t: Trigger, gaps: string[]): string {
  const eq = TRIGGER_EQUIVALENTS[t.type];
  const detail = [
    t.field ? `field "${md(t.field)}"` : '',
    t.value ? `value "${md(t.value)}"` : '',
    t.group ? `group ${refText(t.group)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const actimo = `Actimo: ${md(t.asWritten)}${detail ? ` (${detail})` : ''}`;
  if (eq.pipedrive) return `- ${eq.pipedrive} — ${actimo}`;
  gaps.push(`Trigger ${md(t.asWritten)}: ${eq.workaround}`);
  return `- **No equivalent** — ${actimo}. Workaround: ${eq.workaround}`;
}

function flowSection(f: Flow): string[] {
  const gaps: string[] = [];
  const kind = f.kind.replace('_', ' ');
  const lines = [
    `## ${md(f.name)}`,
    '',
    `${kind[0]!.toUpperCase()}${kind.slice(1)}, ${f.status}; id \`${f.id}\`, from ${md(f.file)} at \`${f.path}\`.`,
  ];
  if (f.description) lines.push('', md(f.description));
  lines.push('', '**Trigger**', '');
  if (f.triggers.length === 0)
    lines.push(
      '- Trigger: Person created (the Actimo flow states no trigger: it started when someone joined its audience)',
    );
  for (const t of f.triggers) lines.push(triggerLine(t, gaps));
  lines.push('', '**Conditions**', '');
  const who = f.audiences.filter((a) => a.kind !== 'everyone');
  if (who.length === 0) lines.push('- None (everyone)');
  for (const a of who)
    lines.push(
      `- Person is in ${a.kind} ${refText(a)}: Pipedrive has no groups; add the condition on the field or label that holds it (e.g. Department)`,
    );
  if (f.schedule) {
    const s = f.schedule;
    lines.push(
      `- Schedule (Actimo: ${md(s.asWritten)}): Pipedrive Automations have no active period; turn the automation on${s.start ? ` on ${md(s.start)}` : ''}${s.end ? ` and off on ${md(s.end)}` : ''}${s.repeat ? `; a repeat (${md(s.repeat)}) has no equivalent: use a recurring activity` : ''}`,
    );
  }
  lines.push('', '**Actions**', '');
  if (f.steps.length === 0) lines.push('(the flow has no steps)');
  lines.push(...stepLines(f.steps, '', gaps));
  lines.push('', '**No equivalent in Pipedrive**', '');
  lines.push(...(gaps.length ? gaps.map((g) => `- ${g}`) : ['None: every part has an equivalent.']));
  return lines;
}

export function workflowGuide(ref: WorkflowReference): string {
  const lines = [
    '# Rebuilding the Actimo workflows in Pipedrive',
    '',
    `Migration ${ref.migrationId}, generated ${ref.generatedAt}. ${ref.counts.flows} flow(s), ${ref.counts.steps} step(s), ${ref.counts.withoutEquivalent} without a Pipedrive equivalent.`,
    `From: ${ref.files.map((f) => md(f.name)).join(', ') || '(no workflows export)'}.`,
    '',
    'Workflows are not migrated: rebuild each one in Pipedrive under Automations, as a trigger, conditions and actions.',
    'The reference JSON (workflows.json) holds every flow as exported, including properties this guide does not use.',
  ];
  for (const f of ref.flows) lines.push('', ...flowSection(f));
  return `${lines.join('\n')}\n`;
}

export { countSteps };
