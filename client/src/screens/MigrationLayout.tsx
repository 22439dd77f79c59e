import { Outlet, useParams } from 'react-router';
import { StepIndicator } from '../components/StepIndicator.tsx';
import { isStepId, paths, STEPS } from '../paths.ts';

/** One migration: the step indicator over whichever step the URL names. */
export function MigrationLayout() {
  const { migrationId = '', step } = useParams();
  const steps = STEPS.map((s) => ({ id: s.id, label: s.label, to: paths.step(migrationId, s.id) }));
  return (
    <div className="screen">
      <p className="screen__eyebrow">Migration {migrationId}</p>
      <StepIndicator steps={steps} current={isStepId(step) ? step : null} />
      <Outlet />
    </div>
  );
}
