/**
 * Where new object ids come from. Injected beside the clock so the emulator can hand a seeded
 * workspace the same ids on every run; production draws random UUIDs.
 *
 * @example
 * const id = randomIds.newId(); // '0c39d6d5-c70d-4c55-bc02-f620844f3fd1'
 */
import { randomUUID } from 'node:crypto';

export interface IdSource {
  /** A new lower-case GUID. */
  newId(): string;
}

export const randomIds: IdSource = { newId: () => randomUUID() };
