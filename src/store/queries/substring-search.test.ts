import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planUpnContains, trigramIndexText, upnContainsPlanWithoutDomains } from './substring-search.js';

describe('planning a contains search on the UPN', () => {
  const domains = ['contoso.com', 'fabrikam.onmicrosoft.com'];

  it('asks the index for a text without an @ that no domain holds', () => {
    assert.deepEqual(planUpnContains('tanaka', domains), { kind: 'index', text: 'tanaka', domains: [] });
  });

  it('takes the users of the domains that hold the text as candidates, beside those the index lists', () => {
    assert.deepEqual(planUpnContains('contoso', domains), { kind: 'index', text: 'contoso', domains: ['contoso.com'] });
    assert.deepEqual(planUpnContains('rikam.onmic', domains), { kind: 'index', text: 'rikam.onmic', domains: ['fabrikam.onmicrosoft.com'] });
  });

  it('walks for a text that lies in every domain, as every user matches', () => {
    assert.deepEqual(planUpnContains('.com', ['contoso.com']), { kind: 'walk' });
    assert.deepEqual(planUpnContains('.co', domains), { kind: 'walk' });
  });

  it('asks the index for the part up to the @ when the rest begins a domain', () => {
    assert.deepEqual(planUpnContains('.12345@', domains), { kind: 'index', text: '.12345@', domains: [] });
    assert.deepEqual(planUpnContains('ada.b@fabri', domains), { kind: 'index', text: 'ada.b@', domains: [] });
  });

  it('takes the users of the domains the rest begins when the part up to the @ is shorter than a trigram', () => {
    assert.deepEqual(planUpnContains('@contoso', domains), { kind: 'index', text: undefined, domains: ['contoso.com'] });
    assert.deepEqual(planUpnContains('a@contoso.com', domains), { kind: 'index', text: undefined, domains: ['contoso.com'] });
  });

  it('walks when that rest begins every domain', () => {
    assert.deepEqual(planUpnContains('@contoso', ['contoso.com', 'contoso.org']), { kind: 'walk' });
    assert.deepEqual(planUpnContains('a@', domains), { kind: 'walk' });
  });

  it('finds nothing to search for when the rest after the @ begins no domain, or holds another @', () => {
    assert.deepEqual(planUpnContains('ada@northwind', domains), { kind: 'none' });
    assert.deepEqual(planUpnContains('ada@contoso.com@x', domains), { kind: 'none' });
    assert.deepEqual(planUpnContains('ada@x', []), { kind: 'none' });
  });

  it('walks when the domains are not all known', () => {
    assert.deepEqual(planUpnContains('tanaka', undefined), { kind: 'walk' });
  });
});

describe('planning a contains search on the UPN before the domains are read', () => {
  it('asks the index for the part up to the @ when it is long enough for a trigram', () => {
    assert.deepEqual(upnContainsPlanWithoutDomains('.12345@'), { kind: 'index', text: '.12345@', domains: [] });
    assert.deepEqual(upnContainsPlanWithoutDomains('ada.b@fabri'), { kind: 'index', text: 'ada.b@', domains: [] });
    assert.deepEqual(upnContainsPlanWithoutDomains('ada@contoso.com@x'), { kind: 'index', text: 'ada@', domains: [] });
  });

  it('plans as the domains would, where they would not rule every user out', () => {
    const domains = ['contoso.com', 'fabrikam.onmicrosoft.com'];
    for (const value of ['.12345@', 'ada.b@fabri', 'ada.b@', 'ada.b@contoso.com']) assert.deepEqual(upnContainsPlanWithoutDomains(value), planUpnContains(value, domains), value);
  });

  it('leaves to the domains a text without an @, or with less than a trigram before it', () => {
    for (const value of ['tanaka', 'contoso', '@contoso', 'a@contoso.com', 'a@', '']) assert.equal(upnContainsPlanWithoutDomains(value), undefined, value);
  });
});

describe('the text a contains search asks the GIN index for', () => {
  it('leaves out the characters at either end that pg_trgm splits words at', () => {
    assert.equal(trigramIndexText('.12345@'), '12345');
    assert.equal(trigramIndexText(' -tanaka- '), 'tanaka');
    assert.equal(trigramIndexText('@émile.'), 'émile');
  });

  it('keeps the characters between words, which the index needs to match across them', () => {
    assert.equal(trigramIndexText('ada.b'), 'ada.b');
    assert.equal(trigramIndexText("o'brien"), "o'brien");
  });

  it('keeps the whole text when fewer than three characters would be left', () => {
    for (const text of ['.ab@', '...', '@x.', '😀😀😀']) assert.equal(trigramIndexText(text), text);
  });
});
