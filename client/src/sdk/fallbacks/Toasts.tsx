// Outside Pipedrive, snackbars are toasts in a polite live region that exists from the start, so
// screen readers announce each new message.
import { useEffect } from 'react';

export interface Toast {
  id: number;
  message: string;
  link?: { url: string; label: string };
}

/** How long a toast stays, like Pipedrive's snackbar. */
export const TOAST_MS = 6_000;

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.id, onDismiss]);
  return (
    <div className="toast">
      <span className="toast__message">{toast.message}</span>
      {toast.link && (
        <a className="toast__link" href={toast.link.url} target="_blank" rel="noreferrer">
          {toast.link.label}
        </a>
      )}
      <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function ToastRegion({
  toasts,
  onDismiss,
}: {
  toasts: readonly Toast[];
  onDismiss: (id: number) => void;
}) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </div>
  );
}
