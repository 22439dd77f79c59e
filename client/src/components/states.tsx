// The three states every screen has besides its content: nothing yet, waiting, and failed.
import type { ReactNode } from 'react';
import { ApiError } from '../api/errors.ts';
import { Button } from './Button.tsx';

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <section className="state state--empty" aria-label={title}>
      <h2 className="state__title">{title}</h2>
      {children && <div className="state__body">{children}</div>}
      {action && <div className="state__action">{action}</div>}
    </section>
  );
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner spinner--large" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({
  title = 'Something went wrong',
  error,
  onRetry,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
}) {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <section className="state state--error" role="alert" aria-label={title}>
      <h2 className="state__title">{title}</h2>
      <p className="state__body">{message}</p>
      {requestId && (
        <p className="state__meta">
          Request id <code>{requestId}</code> (quote it when you contact support)
        </p>
      )}
      {onRetry && (
        <div className="state__action">
          <Button onClick={onRetry}>Try again</Button>
        </div>
      )}
    </section>
  );
}
