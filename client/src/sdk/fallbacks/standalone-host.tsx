// The host outside Pipedrive (local mode, standalone development): confirmations and snackbars are
// drawn in the page, and there is no signed token.
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConfirmOptions, PanelHost } from '../host.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { type Toast, ToastRegion } from './Toasts.tsx';

interface PendingConfirm {
  id: number;
  options: ConfirmOptions;
  resolve: (confirmed: boolean) => void;
}

export function useStandaloneHost(): { host: PanelHost; ui: ReactNode } {
  const [confirms, setConfirms] = useState<PendingConfirm[]>([]);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(0);
  const pending = useRef<PendingConfirm[]>([]);

  const host = useMemo<PanelHost>(
    () => ({
      kind: 'standalone',
      confirm: (options) =>
        new Promise<boolean>((resolve) => {
          nextId.current += 1;
          const request = { id: nextId.current, options, resolve };
          pending.current.push(request);
          // One dialog at a time; later requests wait their turn.
          setConfirms((queue) => [...queue, request]);
        }),
      notify: async (message, options) => {
        nextId.current += 1;
        const toast: Toast = {
          id: nextId.current,
          message,
          ...(options?.link ? { link: options.link } : {}),
        };
        setToasts((list) => [...list, toast]);
      },
      getSignedToken: async () => null,
      invalidateSignedToken: () => {},
    }),
    [],
  );

  // A dialog still open when the panel goes away counts as "no".
  useEffect(
    () => () => {
      for (const request of pending.current) request.resolve(false);
      pending.current = [];
    },
    [],
  );

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const current = confirms[0];
  const ui = (
    <>
      {current && (
        <ConfirmDialog
          key={current.id}
          {...current.options}
          onAnswer={(confirmed) => {
            pending.current = pending.current.filter((p) => p !== current);
            current.resolve(confirmed);
            setConfirms((queue) => queue.filter((p) => p !== current));
          }}
        />
      )}
      <ToastRegion toasts={toasts} onDismiss={dismiss} />
    </>
  );
  return { host, ui };
}
