/**
 * Partner isolation, property-based: many partners, each with customers, users and tokens of
 * several roles, send random requests to every /v1 route the OpenAPI document lists, naming
 * their own or other partners' customers and users. No request ever reads or changes another
 * partner's data, a foreign customer gets exactly the answer a non-existent one gets, and no
 * body carries another partner's ids, names or domains.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Principal } from '../auth/principal.js';
import { startHarness, type Harness } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';

const runs = Number(process.env.TENANTRY_ISOLATION_RUNS ?? 100);
const partnerCount = 4;
const customersPerPartner = 2;
const usersPerCustomer = 3;

interface World {
  partners: { id: string; tokens: string[]; customers: CustomerFacts[]; extra: CustomerFacts[] }[];
}
interface CustomerFacts {
  id: string;
  domain: string;
  name: string;
  users: { id: string; upn: string; name: string }[];
}

/** Every identifying string a partner owns. */
const secretsOf = (p: World['partners'][number]) =>
  [p.id, ...[...p.customers, ...p.extra].flatMap((c) => [c.id, c.domain, c.name, ...c.users.flatMap((u) => [u.id, u.upn, u.name])])];

for (const factory of storeFactories) {
  describe(`partner isolation on ${factory.name}`, () => {
    let h: Harness;
    const world: World = { partners: [] };
    let routes: { template: string; method: string }[];

    before(async () => {
      h = await startHarness(factory);
      for (let p = 0; p < partnerCount; p++) {
        const partnerId = randomUUID();
        const principal: Principal = { partnerId, subject: 'setup', roles: ['AdminAgent'], appOnly: false };
        const tokens = [
          await h.token({ partnerId }),
          await h.token({ partnerId, roles: ['HelpdeskAgent'] }),
          await h.token({ partnerId, roles: ['GlobalReader'] }),
          await h.token({ partnerId, roles: ['UserAdministrator', 'LicenseAdministrator', 'PrivilegedRoleAdministrator'] }),
        ];
        const customers: CustomerFacts[] = [];
        for (let c = 0; c < customersPerPartner; c++) {
          const tag = randomBytes(4).toString('hex');
          const domain = `iso${tag}.onmicrosoft.com`;
          const name = `Isolation ${tag} Ltd`;
          const created = await h.ctx.customers.create(principal, { companyProfile: { domain }, billingProfile: { companyName: name } } as never);
          assert.equal(created.status, 201, created.body);
          const id = JSON.parse(created.body).id as string;
          const record = (await h.store.findCustomer(partnerId, id))!;
          const users = [];
          for (let u = 0; u < usersPerCustomer; u++) {
            const alias = `u${randomBytes(4).toString('hex')}`;
            const made = await h.ctx.users.create(record, { userPrincipalName: `${alias}@${domain}`, displayName: `Person ${alias}` } as never);
            users.push({ id: JSON.parse(made.body).id as string, upn: `${alias}@${domain}`, name: `Person ${alias}` });
          }
          // The customer's own admin user, created with the tenant.
          const admin = (await h.request('GET', `/v1/customers/${id}/users`, { token: tokens[0] })).json.items[0];
          users.push({ id: admin.id, upn: admin.userPrincipalName, name: admin.displayName });
          customers.push({ id, domain, name, users });
        }
        world.partners.push({ id: partnerId, tokens, customers, extra: [] });
      }
      const doc = (await h.request('GET', '/openapi.json', { token: null })).json;
      routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .filter(([path]) => path.startsWith('/v1/'))
        .flatMap(([template, ops]) => Object.keys(ops).map((m) => ({ template, method: m.toUpperCase() })));
    });
    after(async () => h.close());

    /** What the owner sees of a customer: the thing no other partner may change. */
    const ownerView = async (ownerIndex: number, customerId: string) => {
      const token = world.partners[ownerIndex].tokens[0];
      const inactive = encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}');
      const parts = await Promise.all([
        h.request('GET', `/v1/customers/${customerId}`, { token }),
        h.request('GET', `/v1/customers/${customerId}/users?size=500`, { token }),
        h.request('GET', `/v1/customers/${customerId}/users?size=500&filter=${inactive}`, { token }),
      ]);
      return parts.map((r) => r.text).join('\n');
    };

    const target = fc.record({
      owner: fc.nat({ max: partnerCount - 1 }),
      customer: fc.nat({ max: customersPerPartner - 1 }),
      user: fc.nat({ max: usersPerCustomer }),
      userOwner: fc.nat({ max: partnerCount - 1 }),
      missingCustomer: fc.boolean(),
    });
    const requestArb = fc.record({
      caller: fc.nat({ max: partnerCount - 1 }),
      token: fc.nat({ max: 3 }),
      route: fc.nat(),
      target,
      prefix: fc.integer({ min: 1, max: 12 }),
      foreignFilter: fc.boolean(),
    });

    it('never lets a partner read or change another partner\'s data, nor learn that it exists', async () => {
      let crossed = 0;
      const everSent = world.partners.map(() => '');
      await fc.assert(
        fc.asyncProperty(requestArb, async (r) => {
          const route = routes[r.route % routes.length];
          const caller = world.partners[r.caller];
          const owner = world.partners[r.target.owner];
          const customer = owner.customers[r.target.customer];
          // The user may belong to yet another partner: ids must not cross customers either.
          const user = world.partners[r.target.userOwner].customers[r.target.customer].users[r.target.user];
          const customerId = r.target.missingCustomer ? randomUUID() : customer.id;
          const fill = (cid: string) =>
            route.template.replace('{customerId}', cid).replace('{userId}', user.id).replace(/\{[^}]+\}/g, () => randomUUID());
          let url = fill(customerId);
          if (r.foreignFilter && route.method === 'GET' && !route.template.includes('{')) {
            // Search the partner's own lists with a prefix of someone else's name.
            url += `?filter=${encodeURIComponent(JSON.stringify({ Field: 'CompanyName', Value: customer.name.slice(0, r.prefix), Operator: 'starts_with' }))}`;
          }
          const alias = `n${randomBytes(4).toString('hex')}`;
          const body =
            route.method === 'POST' && route.template.endsWith('/users') ? { userPrincipalName: `${alias}@${customer.domain}`, displayName: `New ${alias}` }
            : route.method === 'POST' && route.template === '/v1/customers' ? { companyProfile: { domain: `${alias}.onmicrosoft.com` }, billingProfile: { companyName: `Co ${alias}` } }
            : route.method === 'PATCH' ? { displayName: `Renamed ${alias}` }
            : route.method === 'POST' || route.method === 'PUT' ? {}
            : undefined;

          const touched = new Map<string, number>();
          const note = (cid: string, ownerIndex: number) => ownerIndex !== r.caller && touched.set(cid, ownerIndex);
          if (route.template.includes('{customerId}') && !r.target.missingCustomer) note(customer.id, r.target.owner);
          if (route.template.includes('{userId}')) note(world.partners[r.target.userOwner].customers[r.target.customer].id, r.target.userOwner);
          const before = new Map(await Promise.all([...touched].map(async ([cid, o]) => [cid, await ownerView(o, cid)] as const)));

          const res = await h.request(route.method, url, { token: caller.tokens[r.token], body });
          if (res.status === 201 && route.template === '/v1/customers') {
            // A customer the caller just made is its own secret from now on.
            caller.extra.push({ id: res.json.id, domain: res.json.companyProfile.domain, name: res.json.companyProfile.companyName, users: [] });
          }
          const where = `${route.method} ${url} as partner ${r.caller} → ${res.status} ${res.text.slice(0, 300)}`;
          assert.ok(res.status < 500, where);

          // No foreign identifier in the body, except what the caller itself has sent (its own
          // audit records echo the ids of its earlier requests, refused ones included).
          everSent[r.caller] += `\n${url}\n${JSON.stringify(body ?? '')}`.toLowerCase();
          const sent = everSent[r.caller];
          const text = res.text.toLowerCase();
          for (const [i, p] of world.partners.entries()) {
            if (i === r.caller) continue;
            for (const secret of secretsOf(p)) {
              const s = secret.toLowerCase();
              if (!sent.includes(s)) assert.ok(!text.includes(s), `leaked ${secret} of partner ${i}: ${where}`);
            }
          }

          // A foreign customer is answered exactly like one that does not exist.
          if (route.template.includes('{customerId}') && r.target.owner !== r.caller && !r.target.missingCustomer) {
            crossed++;
            const missing = randomUUID();
            const twin = await h.request(route.method, fill(missing).replace(user.id, user.id), { token: caller.tokens[r.token], body });
            assert.equal(res.status, twin.status, where);
            assert.equal(res.text.replaceAll(customer.id, '<cid>'), twin.text.replaceAll(missing, '<cid>'), where);
            if (res.status === 403 && res.json?.code === 20002) assert.equal(res.json.code, twin.json.code);
          }

          for (const [cid, o] of touched) assert.equal(await ownerView(o, cid), before.get(cid), `partner ${o}'s customer changed: ${where}`);
        }),
        { numRuns: runs, endOnFailure: true },
      );
      assert.ok(crossed > 0, 'some requests named another partner\'s customer');
    });

    it('lists only the caller\'s own customers, however they are searched', async () => {
      for (const [i, p] of world.partners.entries()) {
        const res = await h.request('GET', '/v1/customers?size=500', { token: p.tokens[0] });
        const ids = res.json.items.map((c: { id: string }) => c.id).sort();
        assert.deepEqual(ids, [...p.customers, ...p.extra].map((c) => c.id).sort(), `partner ${i}`);
        const other = world.partners[(i + 1) % partnerCount].customers[0];
        const search = await h.request('GET', `/v1/customers?filter=${encodeURIComponent(JSON.stringify({ Field: 'Domain', Value: other.domain, Operator: 'starts_with' }))}`, { token: p.tokens[0] });
        assert.equal(search.status, 200);
        assert.equal(search.json.items.length, 0);
      }
    });
  });
}
