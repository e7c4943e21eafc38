/**
 * A workspace's consistency lag (issue 12): how long writes stay invisible to reads. One source for
 * validation, the OpenAPI document (tag Emulator) and the SDK's types.
 */
import { Type, type Static } from '@sinclair/typebox';

export const Consistency = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 duration on the workspace clock, e.g. PT30S: a write is seen by reads that long after it' })),
    afterReads: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'A write is seen from the (N+1)-th read request that would show it on' })),
  },
  {
    $id: 'Consistency',
    additionalProperties: false,
    description: 'One of after or afterReads; {} (the default) means writes are seen at once',
  },
);
export type Consistency = Static<typeof Consistency>;
