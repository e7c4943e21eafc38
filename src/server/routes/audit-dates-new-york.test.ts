/**
 * The audit records' date bounds in the forms the official SDKs send, on a server whose local
 * time zone is not UTC. This file sets TZ itself (each test file runs in its own process), so the
 * zone-less .NET date-time would land five hours off if it were read in the local zone.
 */
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoDomain } from '../../demo/demo-data.js';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const two = (n: number) => String(n).padStart(2, '0');
/** What the .NET SDK sends: DateTime.ToString() in the invariant culture, no zone. */
const dotNetForm = (d: Date) => `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
/** What the Java SDK 1.15.4 sends: Joda's YYYY-MM-DD, DD the day of the year. */
const javaForm = (d: Date) => {
  const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(dayOfYear)}`;
};
const minute = 60_000;

for (const factory of storeFactories) {
  describe(`audit date bounds from the SDKs on a New York server, ${factory.name}`, () => {
    let h: Harness;
    let requestId: string;
    let at: Date;
    before(async () => {
      h = await startHarness(factory);
      requestId = crypto.randomUUID();
      const res = await h.request('POST', `/v1/customers/${h.customerId}/users`, { body: { userPrincipalName: `zone@${demoDomain}`, displayName: 'Zone' }, headers: { 'ms-requestid': requestId } });
      assert.equal(res.status, 201);
      const list = await h.request('GET', '/v1/auditrecords?size=500');
      at = new Date(list.json.items.find((r: any) => r.customizedData.some((d: any) => d.value === requestId)).operationDate);
    });
    after(async () => h.close());

    const finds = async (startDate: string, endDate?: string) => {
      const qs = new URLSearchParams({ startDate, ...(endDate ? { endDate } : {}), size: '500' });
      const res = await h.request('GET', `/v1/auditrecords?${qs}`);
      assert.equal(res.status, 200, res.text);
      return res.json.items.some((r: any) => r.customizedData.some((d: any) => d.value === requestId));
    };

    it('runs in a zone five hours from UTC in December, four in summer', () => {
      assert.ok([240, 300].includes(new Date().getTimezoneOffset()), String(new Date().getTimezoneOffset()));
      // What reading the .NET form in the local zone would do.
      assert.notEqual(new Date('12/01/2026 16:51:09').toISOString(), '2026-12-01T16:51:09.000Z');
    });

    it('reads the .NET SDK’s zone-less date-times as UTC', async () => {
      assert.equal(await finds(dotNetForm(new Date(at.getTime() - minute))), true, 'a start a minute before includes the record');
      assert.equal(await finds(dotNetForm(new Date(at.getTime() - 6 * 60 * minute)), dotNetForm(new Date(at.getTime() - minute))), false, 'an end a minute before excludes it');
      assert.equal(await finds(dotNetForm(new Date(at.getTime() + minute))), false, 'a start a minute after excludes it');
    });

    it('reads the Java SDK’s day-of-year dates as whole UTC days', async () => {
      const day = javaForm(at);
      assert.equal(await finds(day, day), true, `${day} covers the record's day`);
      const yesterday = javaForm(new Date(at.getTime() - 86_400_000));
      assert.equal(await finds(yesterday, yesterday), false, `${yesterday} does not`);
    });
  });
}
