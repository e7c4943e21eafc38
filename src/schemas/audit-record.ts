/**
 * AuditRecord: one recorded write, in Partner Center's shape, and the audit-records list query.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ResourceAttributes } from './common.js';

export const AuditRecord = Type.Object(
  {
    id: Type.String(),
    partnerId: Type.String(),
    customerId: Type.Optional(Type.String()),
    customerName: Type.Optional(Type.String()),
    userPrincipalName: Type.Optional(Type.String({ description: 'The signed-in caller (token subject); absent for app-only tokens' })),
    applicationId: Type.Optional(Type.String({ description: 'The application of an app-only token' })),
    resourceType: Type.String({ description: 'e.g. customer, customer_user, license, customer_directory_role' }),
    operationType: Type.String({ description: 'e.g. add_customer, create_customer_user, update_customer_user, reset_customer_user_password, restore_customer_user, delete_customer_user' }),
    originalCorrelationId: Type.Optional(Type.String({ description: 'The MS-CorrelationId of the request' })),
    operationDate: Type.String({ description: 'UTC ISO-8601' }),
    operationStatus: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    customizedData: Type.Array(Type.Object({ key: Type.String(), value: Type.Union([Type.String(), Type.Null()]) }), {
      description: 'The resource id (CustomerUserId, CustomerId…), RequestId, and for failures HttpStatus and FaultCode',
    }),
    attributes: ResourceAttributes,
  },
  { description: 'A write performed by a partner user or application' },
);
export type AuditRecord = Static<typeof AuditRecord>;

export const ListAuditRecordsQuery = Type.Object({
  startDate: Type.Optional(Type.String({ description: 'Inclusive; a date (whole day) or a UTC date-time. Default: 30 days ago; at most 90 days ago' })),
  endDate: Type.Optional(Type.String({ description: 'A date includes that whole day; a date-time is exclusive. Default: no end' })),
  size: Type.Optional(Type.String({ description: 'Page size, 1–500 (default 100)' })),
  filter: Type.Optional(
    Type.String({ description: '{"Field":"CustomerId"|"ResourceType","Value":"…","Operator":"equals"} or {"Field":"CompanyName","Value":"…","Operator":"substring"}' }),
  ),
  seekOperation: Type.Optional(Type.String()),
  continuationToken: Type.Optional(Type.String()),
});
export type ListAuditRecordsQuery = Static<typeof ListAuditRecordsQuery>;
