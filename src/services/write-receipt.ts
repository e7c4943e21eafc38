/**
 * The seam between a service's write and what must commit with it. A write the API makes is
 * given a `ReceiptFor`; the service calls it with the answer the write will give (it knows it
 * before the store call) and passes the result to the store write, which stores it in the same
 * transaction (see `WriteReceipt`). The server builds the function: audit record and stored
 * answer of the request's MS-RequestId. Services called from elsewhere (seeding, tests) pass none.
 */
import type { WriteReceipt } from '../store/store.js';

/** What the service knows of its write that the audit record should say. */
export interface WriteNote {
  /** Partner Center's operation name, when one route does several kinds of write (PATCH). */
  operationType?: string;
  /** The customer's company name, when the write creates the customer (the record cannot look it up yet). */
  customerName?: string;
}

/** Builds the receipt of a write that will answer `response`. */
export type ReceiptFor = (response: { status: number; body: string }, note?: WriteNote) => Promise<WriteReceipt>;
