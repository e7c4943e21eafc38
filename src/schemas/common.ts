/**
 * Envelope shapes shared by every Partner Center resource: links, attributes, collections and
 * the ApiFault error body. These TypeBox schemas are the one source for request validation, the
 * OpenAPI document and the SDK's types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A GUID in any case, as Partner Center matches ids case-insensitively. */
export const Guid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'A GUID',
});

export const LinkHeader = Type.Object({ key: Type.String(), value: Type.String() });

export const Link = Type.Object({
  uri: Type.String({ description: 'Relative to the API root, without /v1' }),
  method: Type.String(),
  headers: Type.Array(LinkHeader),
});
export type Link = Static<typeof Link>;

export const ResourceLinks = Type.Object({
  self: Type.Optional(Link),
  next: Type.Optional(Link),
  previous: Type.Optional(Link),
});

export const ResourceAttributes = Type.Object({
  etag: Type.Optional(Type.String()),
  objectType: Type.String(),
});

/** `Collection` of T: `totalCount` is the number of items in this page, as in Partner Center. */
export const Collection = <T extends TSchema>(item: T) =>
  Type.Object({
    totalCount: Type.Integer(),
    items: Type.Array(item),
    links: Type.Optional(ResourceLinks),
    attributes: ResourceAttributes,
  });

/**
 * The next page's link as response headers too (a Tenantry extension, see `seekCollectionEnvelope`):
 * documented in the OpenAPI answer of every seek collection.
 */
const nextPageResponseHeaders = {
  Link: { type: 'string', description: 'While more pages follow: `</v1/…?seekOperation=Next>; rel="next"`, the URI of `links.next` (extension)' },
  'MS-ContinuationToken': { type: 'string', description: 'While more pages follow: the token of `links.next` (extension)' },
};

/** `SeekBasedResourceCollection` of T: a collection that can continue through `links.next`. */
export const SeekCollection = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      continuationToken: Type.Optional(Type.String({ description: 'Present only while more pages follow' })),
      totalCount: Type.Integer(),
      items: Type.Array(item),
      links: Type.Optional(ResourceLinks),
      attributes: ResourceAttributes,
    },
    { headers: nextPageResponseHeaders },
  );

export const ApiFault = Type.Object(
  {
    code: Type.Integer(),
    description: Type.String(),
    data: Type.Array(Type.Unknown()),
    source: Type.Literal('PartnerFD'),
  },
  { $id: 'ApiFault', description: 'Partner Center error body' },
);
export type ApiFault = Static<typeof ApiFault>;

/** The gateway's own body for unknown routes and throttling. */
export const GatewayError = Type.Object({ statusCode: Type.Integer(), message: Type.String() });

/** Attributes sent by SDKs in request bodies; accepted and ignored. */
export const AnyAttributes = Type.Optional(Type.Unknown());
