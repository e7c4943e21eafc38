/**
 * Journal entries as a HAR 1.2 log (issue 12), the format browser network panels import and
 * export (W3C Web Performance WG draft, "HTTP Archive (HAR) format", version 1.2). Without I/O.
 * Entries come oldest first, as a recording does; Tenantry's own fields start with `_`, as HAR
 * allows for custom fields.
 *
 * @example
 * const har = journalHar([entry], 'http://127.0.0.1:8080', '0.1.0');
 * writeFileSync('requests.har', JSON.stringify(har));
 */
import { STATUS_CODES } from 'node:http';
import type { JournalEntry } from '../../schemas/emulator/journal.js';

interface HarNameValue {
  name: string;
  value: string;
}

const pairs = (record: Record<string, string>): HarNameValue[] => Object.entries(record).map(([name, value]) => ({ name, value }));

/** The HAR 1.2 document of journal entries (given newest first, as the journal lists them). */
export function journalHar(newestFirst: JournalEntry[], baseUrl: string, version: string) {
  const entries = [...newestFirst].reverse().map((e) => {
    const search = new URLSearchParams(e.query).toString();
    const requestText = e.requestBody === null || e.requestBody === undefined ? undefined : JSON.stringify(e.requestBody);
    const responseType = e.responseHeaders['content-type'] ?? 'application/json';
    const responseText = e.responseBody ?? '';
    return {
      startedDateTime: e.time,
      time: e.durationMs,
      request: {
        method: e.method,
        url: `${baseUrl}${e.path}${search ? `?${search}` : ''}`,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: pairs(e.requestHeaders),
        queryString: pairs(e.query),
        ...(requestText !== undefined ? { postData: { mimeType: e.requestHeaders['content-type'] ?? 'application/json', text: requestText } } : {}),
        headersSize: -1,
        bodySize: requestText === undefined ? 0 : Buffer.byteLength(requestText),
      },
      response: {
        status: e.status,
        statusText: STATUS_CODES[e.status] ?? '',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: pairs(e.responseHeaders),
        content: { size: Buffer.byteLength(responseText), mimeType: responseType, text: responseText, ...(e.responseTruncated ? { comment: 'cut to the first 16 KiB by the Tenantry journal' } : {}) },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { send: 0, wait: e.durationMs, receive: 0 },
      _tenantryEntryId: e.id,
      _operation: e.operation,
      _requestId: e.requestId,
      _correlationId: e.correlationId,
      ...(e.faultRuleId !== undefined ? { _faultRuleId: e.faultRuleId } : {}),
      _checks: e.checks,
    };
  });
  return { log: { version: '1.2', creator: { name: 'Tenantry emulator', version }, pages: [], entries } };
}
