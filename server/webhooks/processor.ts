// Works through stored webhook events in the background, oldest first, each exactly once: a handler
// per entity decides what the event means (an edit or deletion of a record we migrated is recorded so
// delta runs and rollback respect it). A handler that throws leaves the event for a later retry, up to
// `maxTries`; an event nobody handles is marked ignored.
import type { Clock } from '../clock.ts';
import type { Knex } from '../db.ts';
import type { Logger } from '../logger.ts';
import { claimPendingEvents, finishEvent, retryEventLater, type StoredEvent } from './webhook.repository.ts';

export type EventOutcome = 'applied' | 'ignored';
export type EventHandler = (event: StoredEvent) => Promise<EventOutcome>;

export interface ProcessorOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  handlers: Partial<Record<string, EventHandler>>;
  batchSize?: number;
  idleMs?: number;
  maxTries?: number;
}

export class WebhookProcessor {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: ProcessorOptions) {}

  /** Processes what is pending now; resolves with how many events it handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.o.clock.now();
      const batch = await claimPendingEvents(
        this.o.db,
        this.o.batchSize ?? 50,
        new Date(now),
        new Date(now - 5 * 60_000),
      );
      if (batch.length === 0) return total;
      for (const event of batch) await this.handle(event);
      total += batch.length;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.drain();
        } catch (err) {
          this.o.logger.error({ err }, 'webhook processing failed');
        }
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          const t = setTimeout(resolve, this.o.idleMs ?? 1000);
          t.unref();
        });
      }
    })();
  }

  /** Called after an event is stored, so it is handled now rather than at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async handle(event: StoredEvent): Promise<void> {
    const handler = this.o.handlers[event.entity];
    try {
      const outcome = handler ? await handler(event) : 'ignored';
      await finishEvent(this.o.db, event.companyId, event.id, outcome);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.logger.warn(
        { err, eventId: event.eventId, companyId: event.companyId, tries: event.tries },
        'webhook event failed',
      );
      if (event.tries >= (this.o.maxTries ?? 5)) {
        await finishEvent(this.o.db, event.companyId, event.id, 'failed', message);
      } else {
        // 2 s, 4 s, 8 s … capped at 5 minutes.
        const delay = Math.min(300_000, 1000 * 2 ** event.tries);
        await retryEventLater(
          this.o.db,
          event.companyId,
          event.id,
          new Date(this.o.clock.now() + delay),
          message,
        );
      }
    }
  }
}
