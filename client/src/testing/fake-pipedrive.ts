// A stand-in for Pipedrive's side of the app extensions SDK in jsdom tests: the real SDK posts to this
// object's postMessage (as it would to window.parent) and gets answers on the MessagePort it sent.
// Test code only.

export interface ReceivedCommand {
  id: string;
  command: string;
  args: unknown;
}

type Answer = (args: unknown) => unknown;

export class FakePipedrive {
  readonly commands: ReceivedCommand[] = [];
  readonly tracked: string[] = [];
  private readonly listeners = new Map<string, MessagePort[]>();
  private readonly answers = new Map<string, Answer>();
  private readonly ports = new Set<MessagePort>();
  /** Pass as the SDK's targetWindow. */
  readonly window: Window;
  /** When false, INITIALIZE is never answered (a host that does not respond). */
  answerInitialize = true;

  constructor() {
    this.window = {
      postMessage: (message: unknown, _origin: string, transfer?: Transferable[]) => {
        const port = transfer?.[0] as MessagePort | undefined;
        void this.receive(message, port);
      },
    } as unknown as Window;
    this.answer('get_signed_token', () => ({ token: `token-${this.count('get_signed_token')}` }));
    this.answer('show_confirmation', () => ({ confirmed: true }));
  }

  /** How the host answers a command; an Error is sent back as the SDK's `{error}`. */
  answer(command: string, answer: Answer): void {
    this.answers.set(command, answer);
  }

  count(command: string): number {
    return this.commands.filter((c) => c.command === command).length;
  }

  argsOf(command: string): unknown[] {
    return this.commands.filter((c) => c.command === command).map((c) => c.args);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  /** Sends an event to every subscriber, as Pipedrive does when the user changes a setting. */
  emit(event: string, data: unknown): void {
    for (const port of this.listeners.get(event) ?? []) port.postMessage({ data });
  }

  dispose(): void {
    for (const port of this.ports) port.close();
    this.ports.clear();
    this.listeners.clear();
  }

  private async receive(message: unknown, port: MessagePort | undefined): Promise<void> {
    const { payload, id } = message as { payload: Record<string, unknown>; id: string };
    if (port) this.ports.add(port);
    if (payload.type === 'track') {
      this.tracked.push(String(payload.event));
      return;
    }
    if (payload.type === 'listener') {
      const event = String(payload.event);
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), port as MessagePort]);
      return;
    }
    const command = String(payload.command);
    this.commands.push({ id, command, args: payload.args });
    if (command === 'initialize' && !this.answerInitialize) return;
    try {
      const answer = this.answers.get(command);
      port?.postMessage({ data: answer ? await answer(payload.args) : undefined });
    } catch (err) {
      port?.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  }
}
