// The payload builder's contract with the migration engine: the references it supplies, and the body,
// trace and problems it gets back.
import type { TraceSource } from './payload-read.ts';
import type { ProblemCode, ValueType } from './payload-values.ts';

export interface PayloadRefs {
  /** The Pipedrive id of the Organization migrated for an Actimo company id, if it is there. */
  organizationIdFor(actimoCompanyId: string): number | undefined;
  /** The owner for an e-mail (undefined: the default owner); `defaulted` when the e-mail matched no user. */
  ownerFor(email: string | undefined): { id: number; defaulted: boolean } | undefined;
  /** `visible_to` for new records, or null for the account's default. */
  visibleTo: number | null;
  /** Value preview: references not known yet are reported as pending, not as problems. */
  pending?: boolean;
}

export interface TraceEntry {
  /** The logical destination (the target's name). */
  target: string;
  /** Where it is in the body: `name`, `emails`, `custom_fields.<code>`… */
  pipedriveKey: string;
  /** How `sameValue` compares it with the value read back. */
  valueType: ValueType;
  sources: TraceSource[];
  transform: string;
  value: unknown;
}

export type ProblemSeverity = 'skip' | 'dropped' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  target: string;
  severity: ProblemSeverity;
  message: string;
}

export interface PayloadResult<B> {
  body: B;
  trace: TraceEntry[];
  problems: Problem[];
  /** Values the map sends to a note (HTML), for the engine to add to the record; null when none. */
  note: string | null;
  /** Why the record must not be sent (the map's rule for a missing name or an invalid value). */
  skip: Problem | null;
}

export interface Sink {
  /** Address parts an Organization's address is sent with (city, postal code, country). */
  address: Record<string, string>;
  body: Record<string, unknown>;
  custom: Record<string, unknown>;
  trace: TraceEntry[];
  problems: Problem[];
  note: Array<[string, string]>;
}
