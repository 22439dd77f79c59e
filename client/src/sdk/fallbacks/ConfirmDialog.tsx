// Outside Pipedrive, confirmations are this in-page dialog: modal, focus kept inside, Escape cancels,
// focus returns to where it was. It starts on Cancel, the safe answer for destructive actions.
import { type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { Button } from '../../components/Button.tsx';
import type { ConfirmOptions } from '../host.ts';

export function ConfirmDialog({
  title,
  description,
  okText = 'OK',
  cancelText = 'Cancel',
  tone = 'negative',
  onAnswer,
}: ConfirmOptions & { onAnswer: (confirmed: boolean) => void }) {
  const id = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const before = document.activeElement;
    cancel.current?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onAnswer(false);
      return;
    }
    if (e.key !== 'Tab') return;
    const focusable = Array.from(
      dialog.current?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [],
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-description` : undefined}
        onKeyDown={onKeyDown}
      >
        <h2 id={`${id}-title`} className="dialog__title">
          {title}
        </h2>
        {description && (
          <p id={`${id}-description`} className="dialog__body">
            {description}
          </p>
        )}
        <div className="dialog__actions">
          <Button ref={cancel} onClick={() => onAnswer(false)}>
            {cancelText}
          </Button>
          <Button variant={tone} onClick={() => onAnswer(true)}>
            {okText}
          </Button>
        </div>
      </div>
    </div>
  );
}
