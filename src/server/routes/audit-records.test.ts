import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newRequestId, startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';
import { auditNamesOf } from '../plugins/audit.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const otherPartner = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('audit names of routes', () => {
  it('audits every writing method of an operation route, and no read', () => {
    assert.equal(auditNamesOf('GET', { operation: 'users.read' }), undefined);
    assert.equal(auditNamesOf('POST', {}), undefined, 'public routes have no caller to record');
    assert.deepEqual(auditNamesOf('POST', { operation: 'licenses.assign' }), { resourceType: 'license', operationType: 'create_license' });
    assert.deepEqual(auditNamesOf('DELETE', { operation: 'roles.manage' }), { resourceType: 'customer_directory_role', operationType: 'delete_customer_directory_role' });
    assert.deepEqual(auditNamesOf('PATCH', { operation: 'users.read', audit: { resourceType: 'customer_user', operationType: 'update_customer_user' } }), {
      resourceType: 'customer_user',
      operationType: 'update_customer_user',
    });
  });
});

for (const factory of storeFactories) {
  describe(`audit records on ${factory.name}`, () => {
    let h: Harness;
    const users = () => `/v1/customers/${h.customerId}/users`;
    /** All of the demo partner's records of this run, through the API, following the continuation token. */
    const allRecords = async (query = '', token?: string) => {
      const items: any[] = [];
      let res = await h.request('GET', `/v1/auditrecords?size=3${query}`, { token });
      for (;;) {
        assert.equal(res.status, 200, res.text);
        items.push(...res.json.items);
        if (!res.json.continuationToken) return items;
        assert.equal(res.json.links.next.uri, '/auditrecords?seekOperation=Next');
        assert.equal(res.headers.link, '</v1/auditrecords?seekOperation=Next>; rel="next"');
        assert.equal(res.headers['ms-continuationtoken'], res.json.continuationToken);
        res = await h.request('GET', `/v1${res.json.links.next.uri}`, { token, headers: { 'ms-continuationtoken': res.json.continuationToken } });
      }
    };
    const recordsOf = async (requestId: string) => (await allRecords()).filter((r) => r.customizedData.some((d: any) => d.key === 'RequestId' && d.value === requestId));

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('records a created user with who, partner, customer, operation, ids, time and outcome', async () => {
      const requestId = newRequestId();
      const correlationId = newRequestId();
      const subject = 'agent@partner.example';
      const token = await h.ctx.tokens.issue({ partnerId: h.partnerId, subject });
      const before = Date.now() - 1000;
      const res = await h.request('POST', users(), {
        token,
        body: { userPrincipalName: `audited@${domain}`, displayName: 'Audited' },
        headers: { 'ms-requestid': requestId, 'ms-correlationid': correlationId },
      });
      assert.equal(res.status, 201);
      const [record, ...more] = await recordsOf(requestId);
      assert.equal(more.length, 0);
      assert.equal(record.partnerId, h.partnerId);
      assert.equal(record.customerId, h.customerId);
      assert.equal(record.customerName, 'DT Demo CSP Customer 005');
      assert.equal(record.userPrincipalName, subject);
      assert.equal(record.applicationId, undefined);
      assert.equal(record.resourceType, 'customer_user');
      assert.equal(record.operationType, 'create_customer_user');
      assert.equal(record.operationStatus, 'succeeded');
      assert.equal(record.originalCorrelationId, correlationId);
      assert.ok(Date.parse(record.operationDate) >= before && Date.parse(record.operationDate) <= Date.now());
      assert.deepEqual(record.customizedData, [
        { key: 'CustomerUserId', value: res.json.id },
        { key: 'RequestId', value: requestId },
      ]);
      assert.equal(record.attributes.objectType, 'AuditRecord');
      assert.ok(!JSON.stringify(record).includes(res.json.passwordProfile.password), 'the temporary password is not in the log');
    });

    it('names each kind of PATCH, the delete and the restore as Partner Center does', async () => {
      const created = await h.request('POST', users(), { body: { userPrincipalName: `cycle@${domain}`, displayName: 'Cycle' } });
      const user = `${users()}/${created.json.id}`;
      const steps: [string, string, object | undefined][] = [
        ['update_customer_user', 'PATCH', { displayName: 'Cycle Two' }],
        ['update_customer_user_principal_name', 'PATCH', { userPrincipalName: `cycle2@${domain}` }],
        ['reset_customer_user_password', 'PATCH', { passwordProfile: { forceChangePassword: true } }],
        ['delete_customer_user', 'DELETE', undefined],
        ['restore_customer_user', 'PATCH', { state: 'active' }],
      ];
      for (const [operationType, method, body] of steps) {
        const requestId = newRequestId();
        const res = await h.request(method, user, { body, headers: { 'ms-requestid': requestId } });
        assert.ok(res.status < 300, `${operationType}: ${res.status}`);
        const records = await recordsOf(requestId);
        assert.deepEqual(records.map((r) => [r.operationType, r.operationStatus]), [[operationType, 'succeeded']]);
        assert.deepEqual(records[0].customizedData[0], { key: 'CustomerUserId', value: created.json.id });
      }
    });

    it('records a failed write with its HTTP status and fault code', async () => {
      const requestId = newRequestId();
      const res = await h.request('POST', users(), { body: { userPrincipalName: `Daniel@${domain}`, displayName: 'Clash' }, headers: { 'ms-requestid': requestId } });
      assert.equal(res.status, 409);
      const [record] = await recordsOf(requestId);
      assert.equal(record.operationType, 'create_customer_user');
      assert.equal(record.operationStatus, 'failed');
      assert.deepEqual(record.customizedData.slice(-2), [
        { key: 'HttpStatus', value: '409' },
        { key: 'FaultCode', value: String(res.json.code) },
      ]);
    });

    it('records a new customer under its own id and name, and an app-only caller as the application', async () => {
      const requestId = newRequestId();
      const token = await h.ctx.tokens.issue({ partnerId: h.partnerId, subject: 'app-123', appOnly: true });
      const res = await h.request('POST', '/v1/customers', {
        token,
        body: { companyProfile: { domain: `audit${Date.now()}` }, billingProfile: { companyName: 'Audit Works' } },
        headers: { 'ms-requestid': requestId },
      });
      assert.equal(res.status, 201, res.text);
      const [record] = await recordsOf(requestId);
      assert.equal(record.resourceType, 'customer');
      assert.equal(record.operationType, 'add_customer');
      assert.equal(record.customerId, res.json.id);
      assert.equal(record.customerName, 'Audit Works');
      assert.equal(record.applicationId, 'app-123');
      assert.equal(record.userPrincipalName, undefined);
    });

    it('records directory-role membership changes with the role and the member', async () => {
      const role = '62e90394-69f5-4237-9190-012177145e10'; // the Company Administrator role template
      const member = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
      const added = newRequestId();
      const res = await h.request('POST', `/v1/customers/${h.customerId}/directoryroles/${role}/usermembers`, { body: { Id: member }, headers: { 'ms-requestid': added } });
      assert.equal(res.status, 201, res.text);
      const removed = newRequestId();
      assert.equal((await h.request('DELETE', `/v1/customers/${h.customerId}/directoryroles/${role}/usermembers/${member}`, { headers: { 'ms-requestid': removed } })).status, 204);
      const [add] = await recordsOf(added);
      const [remove] = await recordsOf(removed);
      assert.equal(add.resourceType, 'customer_directory_role');
      assert.equal(add.operationType, 'add_customer_directory_role_member');
      assert.equal(remove.operationType, 'remove_customer_directory_role_member');
      for (const r of [add, remove]) {
        assert.deepEqual(r.customizedData.slice(0, 2), [
          { key: 'CustomerUserId', value: member },
          { key: 'RoleId', value: role },
        ]);
      }
    });

    it('records twenty racing retries of one MS-RequestId once, and reads not at all', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `racer@${domain}`, displayName: 'Racer' };
      const results = await Promise.all(Array.from({ length: 20 }, () => h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } })));
      assert.equal(new Set(results.map((r) => r.text)).size, 1);
      const readId = newRequestId();
      await h.request('GET', users(), { headers: { 'ms-requestid': readId } });
      assert.equal((await recordsOf(requestId)).length, 1);
      assert.equal((await recordsOf(readId)).length, 0);
    });

    it('filters by customer, resource type (either spelling) and company name', async () => {
      const all = await allRecords();
      const filter = (f: object) => `&filter=${encodeURIComponent(JSON.stringify(f))}`;
      const byCustomer = await allRecords(filter({ Field: 'CustomerId', Value: h.customerId.toUpperCase(), Operator: 'equals' }));
      assert.deepEqual(byCustomer.map((r) => r.id), all.filter((r) => r.customerId === h.customerId).map((r) => r.id));
      for (const value of ['customer_user', 'CustomerUser']) {
        const byType = await allRecords(filter({ field: 'ResourceType', value, operator: 'Equals' }));
        assert.ok(byType.length > 0 && byType.every((r) => r.resourceType === 'customer_user'));
      }
      const byName = await allRecords(filter({ Field: 'CompanyName', Value: 'audit w', Operator: 'substring' }));
      assert.deepEqual(byName.map((r) => r.customerName), ['Audit Works']);
      const bad = await h.request('GET', `/v1/auditrecords${filter({ Field: 'Subject', Value: 'x', Operator: 'equals' }).replace('&', '?')}`);
      assert.equal(bad.status, 400);
    });

    it('pages in time order with tamper-proof continuation tokens', async () => {
      const all = await allRecords();
      assert.ok(all.length > 6);
      assert.equal(new Set(all.map((r) => r.id)).size, all.length);
      const dates = all.map((r) => r.operationDate);
      assert.deepEqual(dates, [...dates].sort());
      const first = await h.request('GET', '/v1/auditrecords?size=2');
      const edited = `${first.json.continuationToken.slice(0, -2)}AA`;
      const res = await h.request('GET', '/v1/auditrecords?seekOperation=Next', { headers: { 'ms-continuationtoken': edited } });
      assert.equal(res.status, 400);
    });

    it('keeps each partner to its own records, even with another partner\'s continuation token', async () => {
      const other = await h.token({ partnerId: otherPartner });
      const theirs = await h.request('GET', `/v1/auditrecords?filter=${encodeURIComponent(JSON.stringify({ Field: 'CustomerId', Value: h.customerId, Operator: 'equals' }))}`, { token: other });
      assert.equal(theirs.status, 200);
      assert.equal(theirs.json.totalCount, 0);
      const mine = await h.request('GET', '/v1/auditrecords?size=1');
      const stolen = await h.request('GET', '/v1/auditrecords?seekOperation=Next', { token: other, headers: { 'ms-continuationtoken': mine.json.continuationToken } });
      assert.equal(stolen.status, 400);
    });

    it('needs a role that may read the audit log, and refuses start dates beyond 90 days', async () => {
      const helpdesk = await h.token({ roles: ['HelpdeskAgent'] });
      assert.equal((await h.request('GET', '/v1/auditrecords', { token: helpdesk })).status, 403);
      assert.equal((await h.request('GET', '/v1/auditrecords', { token: null })).status, 401);
      const old = new Date(Date.now() - 91 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      assert.equal((await h.request('GET', `/v1/auditrecords?startDate=${old}`)).status, 400);
      assert.equal((await h.request('GET', '/v1/auditrecords?startDate=2026-13-45')).status, 400);
      const today = new Date().toISOString().slice(0, 10);
      const day = await h.request('GET', `/v1/auditrecords?StartDate=${today}&EndDate=${today}&size=500`);
      assert.equal(day.status, 200);
      assert.ok(day.json.items.length > 0, 'a bare endDate includes its whole day');
      const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
      assert.equal((await h.request('GET', `/v1/auditrecords?StartDate=${tomorrow}`)).json.totalCount, 0, "query names bind in any case");
    });
  });
}
