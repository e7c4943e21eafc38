/**
 * A bounded set whose members are forgotten `ttlMs` after they were added (or past `max`, oldest
 * first). Ages are on the process's monotonic timer: these sets remember what happened recently
 * in real time (a common search text, a walk's last position), whatever an emulated clock says.
 *
 * @example
 * const recent = new RecentSet(64, 1000);
 * recent.remember('a');
 * recent.has('a'); // true for the next second
 */
export class RecentSet {
  private readonly added = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  has(key: string): boolean {
    const at = this.added.get(key);
    if (at === undefined) return false;
    if (performance.now() - at <= this.ttlMs) return true;
    this.added.delete(key);
    return false;
  }

  remember(key: string): void {
    this.added.delete(key);
    this.added.set(key, performance.now());
    if (this.added.size > this.max) this.added.delete(this.added.keys().next().value as string);
  }
}
