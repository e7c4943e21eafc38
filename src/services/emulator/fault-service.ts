/**
 * Emulator fault rules (issue 12): the workspace's rules in the store, and the decision for one
 * request. Rules are read through a short per-process cache (a list request must not pay a store
 * round trip for rules that rarely change); a write in this process clears it at once, other
 * workers see it within `cacheMs`. Counters (nth, times) are always counted in the store.
 *
 * @example
 * const faults = new FaultService(store);
 * await faults.add(partnerId, [{ match: { operation: 'users.list' }, effect: { status: 503 }, times: 1 }]);
 * const hit = await faults.decide(partnerId, { method: 'GET', operation: 'users.list' });
 */
import { randomUUID } from 'node:crypto';
import { Fault } from '../../domain/fault.js';
import { firesOnCall, matchesRequest, requireFaultRules, type FaultRequest } from '../../domain/emulator/fault-rules.js';
import type { FaultEffect, FaultMatch, FaultRule } from '../../schemas/emulator/fault-rule.js';
import type { Store, StoredFaultRule } from '../../store/store.js';

/** A rule that fired for a request. */
export interface FaultHit {
  ruleId: string;
  effect: FaultEffect;
}

interface CachedRules {
  at: number;
  rules: { id: string; match: FaultMatch; effect: FaultEffect; times: number | null }[];
}

export class FaultService {
  private readonly cache = new Map<string, CachedRules>();

  constructor(private readonly store: Store, private readonly cacheMs = 250) {}

  /** Checks the rules whole (400 / 800002 listing every problem), then adds them all or none (409 when an id is taken). */
  async add(partnerId: string, inputs: unknown[]): Promise<FaultRule[]> {
    const rules = requireFaultRules(inputs);
    const stored: StoredFaultRule[] = rules.map((r) => ({
      id: r.id ?? randomUUID(),
      ruleJson: JSON.stringify({ match: r.match ?? {}, effect: r.effect }),
      times: r.times ?? null,
      matched: 0,
      fired: 0,
    }));
    if ((await this.store.insertFaultRules(partnerId, stored)) === 'exists') {
      throw new Fault(409, 800002, 'A fault rule with this id already exists in the workspace.', stored.map((r) => r.id));
    }
    this.cache.delete(partnerId);
    return stored.map(toRule);
  }

  private readonly forgetListeners: ((partnerId: string) => void)[] = [];

  /** Drops this process's cached rules and per-workspace state (via `onForget`) of a workspace put back by a snapshot's restore. */
  forget(partnerId: string): void {
    this.cache.delete(partnerId);
    for (const listener of this.forgetListeners) listener(partnerId);
  }

  /** Runs `listener` whenever a workspace's state is forgotten: for state the fault hook keeps, such as Retry-After deadlines. */
  onForget(listener: (partnerId: string) => void): void {
    this.forgetListeners.push(listener);
  }

  async list(partnerId: string): Promise<FaultRule[]> {
    return (await this.store.listFaultRules(partnerId)).map(toRule);
  }

  /** Removes one rule; 404 when there is none. */
  async remove(partnerId: string, ruleId: string): Promise<void> {
    const removed = await this.store.deleteFaultRule(partnerId, ruleId);
    this.cache.delete(partnerId);
    if (!removed) throw new Fault(404, 800002, 'No fault rule with this id in the workspace.', [ruleId]);
  }

  async clear(partnerId: string): Promise<number> {
    const n = await this.store.clearFaultRules(partnerId);
    this.cache.delete(partnerId);
    return n;
  }

  /** Does the workspace have any rule that needs the page number of a walk? (Then the hook tracks pages.) */
  async needsPages(partnerId: string): Promise<boolean> {
    return (await this.rulesOf(partnerId)).some((r) => r.match.page !== undefined);
  }

  /**
   * Without waiting: true when this process's fresh copy of the rules has none that matches the
   * request (then {@link decide} would fire nothing and count nothing); false when a rule matches
   * or the copy is stale, and {@link decide} must be asked. Most requests match no rule, and
   * answering them without a promise keeps the hook off the request's critical path.
   *
   * @example
   * if (!faults.firesNothing(partnerId, request)) hit = await faults.decide(partnerId, request);
   */
  firesNothing(partnerId: string, request: FaultRequest): boolean {
    const rules = this.freshRules(partnerId);
    return rules !== undefined && !rules.some((rule) => matchesRequest(rule.match, request));
  }

  /** Without waiting: whether a rule needs page numbers, or undefined when the copy is stale (then ask {@link needsPages}). */
  needsPagesNow(partnerId: string): boolean | undefined {
    return this.freshRules(partnerId)?.some((r) => r.match.page !== undefined);
  }

  private freshRules(partnerId: string): CachedRules['rules'] | undefined {
    const cached = this.cache.get(partnerId);
    return cached && Date.now() - cached.at < this.cacheMs ? cached.rules : undefined;
  }

  /** The first rule that fires for the request, counting matches and firings in the store. */
  async decide(partnerId: string, request: FaultRequest): Promise<FaultHit | undefined> {
    const rules = await this.rulesOf(partnerId);
    for (const rule of rules) {
      if (!matchesRequest(rule.match, request)) continue;
      const matched = await this.store.countFaultRuleMatch(partnerId, rule.id);
      if (matched === 0 || !firesOnCall(rule, matched)) continue;
      if (!(await this.store.countFaultRuleFire(partnerId, rule.id))) continue; // retired (times reached)
      return { ruleId: rule.id, effect: rule.effect };
    }
    return undefined;
  }

  private async rulesOf(partnerId: string): Promise<CachedRules['rules']> {
    const fresh = this.freshRules(partnerId);
    if (fresh) return fresh;
    const now = Date.now();
    const rules = (await this.store.listFaultRules(partnerId))
      // Retired rules stay listed (with their counters) but no longer cost a match.
      .filter((r) => r.times === null || r.fired < r.times)
      .map((r) => ({ id: r.id, times: r.times, ...(JSON.parse(r.ruleJson) as { match: FaultMatch; effect: FaultEffect }) }));
    this.cache.set(partnerId, { at: now, rules });
    return rules;
  }
}

function toRule(r: StoredFaultRule): FaultRule {
  const { match, effect } = JSON.parse(r.ruleJson) as { match: FaultMatch; effect: FaultEffect };
  return { id: r.id, match, effect, ...(r.times !== null ? { times: r.times } : {}), matched: r.matched, fired: r.fired };
}
