import { Command } from '@pipedrive/app-extensions-sdk';
import { type RefObject, useEffect } from 'react';
import type { AppExtensionsSDK } from './sdk-class.ts';

/**
 * Tells Pipedrive the panel's content height whenever it changes, so the iframe fits its content
 * (no inner scrollbar, no empty space). Changes within one frame are sent once.
 */
export function useReportHeight(ref: RefObject<HTMLElement | null>, sdk: AppExtensionsSDK | null): void {
  useEffect(() => {
    const el = ref.current;
    if (!sdk || !el || typeof ResizeObserver === 'undefined') return;
    let last = -1;
    let frame = 0;
    const report = () => {
      frame = 0;
      const height = Math.ceil(el.getBoundingClientRect().height);
      if (height <= 0 || height === last) return;
      last = height;
      sdk.execute(Command.RESIZE, { height }).catch((err: unknown) => {
        // Not fatal: the panel still works at the height Pipedrive gave it.
        console.warn('Pipedrive refused to resize the panel', err);
      });
    };
    const observer = new ResizeObserver(() => {
      if (frame === 0) frame = requestAnimationFrame(report);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [ref, sdk]);
}
