import { useParams } from 'react-router';
import { EmptyState } from '../components/states.tsx';
import { isStepId } from '../paths.ts';
import { NotFoundScreen } from './NotFoundScreen.tsx';
import { STEP_TEXTS } from './steps.ts';

/** A step of the journey whose server API this build does not have yet: it says so plainly. */
export function StepScreen() {
  const { step } = useParams();
  if (!isStepId(step)) return <NotFoundScreen />;
  const text = STEP_TEXTS[step];
  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" className="screen__title">
        {text.title}
      </h1>
      <p className="screen__lead">{text.lead}</p>
      <EmptyState title="Not available yet">
        This server version does not offer this step yet. Nothing has been changed.
      </EmptyState>
    </section>
  );
}
