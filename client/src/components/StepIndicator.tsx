import { Link } from 'react-router';

export interface Step {
  id: string;
  label: string;
  to: string;
}

/** Where the user is in the journey. Each step is a link; the current one is marked for assistive tech. */
export function StepIndicator({
  steps,
  current,
  completed = new Set<string>(),
  label = 'Migration steps',
}: {
  steps: readonly Step[];
  current: string | null;
  completed?: ReadonlySet<string>;
  label?: string;
}) {
  return (
    <nav className="steps" aria-label={label}>
      <ol className="steps__list">
        {steps.map((step, i) => {
          const state = step.id === current ? 'current' : completed.has(step.id) ? 'done' : 'upcoming';
          return (
            <li key={step.id} className={`steps__item steps__item--${state}`}>
              <Link
                to={step.to}
                className="steps__link"
                aria-current={state === 'current' ? 'step' : undefined}
              >
                <span className="steps__number" aria-hidden="true">
                  {state === 'done' ? '✓' : i + 1}
                </span>
                <span className="steps__label">{step.label}</span>
                {state === 'done' && <span className="visually-hidden"> (done)</span>}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
