// What the migration's files add up to: records per entity (where each lands in Pipedrive) with their
// issue counts, and every issue reason with a way into the records that have it.
import type { StagingSummary, SummaryIssue } from '../../api/migrations.ts';
import { Badge } from '../../components/Badge.tsx';
import { LinkButton } from '../../components/Button.tsx';
import { EmptyState } from '../../components/states.tsx';
import { paths } from '../../paths.ts';
import { countOf, ENTITY_ORDER, ENTITY_WORDS, issueWords, severityCount } from '../staging-words.ts';

const SEVERITIES = ['error', 'warning', 'info'] as const;

function tone(severity: string) {
  return severity === 'error' ? 'danger' : severity === 'warning' ? 'warning' : 'info';
}

function issueTotals(issues: readonly SummaryIssue[], entity: string): string[] {
  return SEVERITIES.map(
    (s) =>
      [
        s,
        issues.filter((i) => i.entity === entity && i.severity === s).reduce((n, i) => n + i.count, 0),
      ] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => severityCount(s, n));
}

function entitiesOf(summary: StagingSummary): string[] {
  const known = ENTITY_ORDER.filter((e) => e in summary.counts);
  return [...known, ...Object.keys(summary.counts).filter((e) => !known.includes(e))];
}

export function StagedSummary({ summary, migrationId }: { summary: StagingSummary; migrationId: string }) {
  const entities = entitiesOf(summary);
  const total = entities.reduce((n, e) => n + (summary.counts[e] ?? 0), 0);
  return (
    <section className="staged-summary" aria-labelledby="staged-heading">
      <h2 id="staged-heading" className="section__title">
        What was staged
      </h2>
      {total === 0 ? (
        <EmptyState title="Nothing staged yet">
          Upload the users export (and whichever others you have) to see what will move to Pipedrive.
        </EmptyState>
      ) : (
        <>
          <ul className="entity-list">
            {entities.map((entity) => {
              const n = summary.counts[entity] ?? 0;
              const words = ENTITY_WORDS[entity];
              const issues = issueTotals(summary.issues, entity);
              return (
                <li key={entity} className="entity-list__item">
                  <span className="entity-list__count">{countOf(entity, n)}</span>
                  {words && <span className="entity-list__destination">to {words.destination}</span>}
                  <span className="entity-list__issues">
                    {issues.length > 0 ? issues.join(', ') : 'no issues'}
                  </span>
                  {words?.listable && n > 0 && (
                    <LinkButton size="small" variant="ghost" to={paths.records(migrationId, entity)}>
                      View the {words.many}
                    </LinkButton>
                  )}
                </li>
              );
            })}
          </ul>
          {summary.issues.length > 0 && <IssueReasons issues={summary.issues} migrationId={migrationId} />}
        </>
      )}
    </section>
  );
}

function IssueReasons({ issues, migrationId }: { issues: readonly SummaryIssue[]; migrationId: string }) {
  return (
    <div className="card">
      <h3 className="card__title">Issues by reason</h3>
      <ul className="issue-list">
        {issues.map((i) => {
          const words = ENTITY_WORDS[i.entity];
          return (
            <li key={`${i.entity}:${i.code}:${i.severity}`} className="issue-list__item">
              <span className="issue-list__words">{issueWords(i.code)}</span>
              <Badge tone={tone(i.severity)}>{severityCount(i.severity, i.count)}</Badge>
              <span className="issue-list__entity">on {words ? words.many : i.entity}</span>
              {words?.listable && (
                <LinkButton
                  size="small"
                  variant="ghost"
                  to={paths.records(migrationId, i.entity, i.code)}
                  aria-label={`Show the ${words.many} with: ${issueWords(i.code)}`}
                >
                  Show them
                </LinkButton>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
