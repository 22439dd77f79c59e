import type { ReactNode } from 'react';
import type { StepId } from '../paths.ts';
import { STEP_TEXTS } from './steps.ts';

/** A step's screen: its title and what it is for, in the admin's words, over its content. */
export function StepSection({ step, children }: { step: StepId; children: ReactNode }) {
  const text = STEP_TEXTS[step];
  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" className="screen__title">
        {text.title}
      </h1>
      <p className="screen__lead">{text.lead}</p>
      {children}
    </section>
  );
}
