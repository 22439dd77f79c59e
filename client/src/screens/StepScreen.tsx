import { useParams } from 'react-router';
import { EmptyState } from '../components/states.tsx';
import { isStepId } from '../paths.ts';
import { NotFoundScreen } from './NotFoundScreen.tsx';
import { StepSection } from './StepSection.tsx';

/** A step of the journey whose server API this build does not have yet: it says so plainly. */
export function StepScreen() {
  const { step } = useParams();
  if (!isStepId(step)) return <NotFoundScreen />;
  return (
    <StepSection step={step}>
      <EmptyState title="Not available yet">
        This server version does not offer this step yet. Nothing has been changed.
      </EmptyState>
    </StepSection>
  );
}
