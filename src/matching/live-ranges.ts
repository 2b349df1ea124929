/**
 * The ranges of one address family, kept current while serving: a large forest built in bulk, and a
 * small one holding the ranges added since. A single change rebuilds only the small forest (at the
 * next lookup, so a burst of changes costs one rebuild); when it outgrows a limit that rises with the
 * square root of the large one, both are merged. Removed ranges stay in the large forest, skipped on
 * lookup, until enough have gone to be worth a merge.
 */
import { RangeForest, type RangeEntries } from './range-forest.ts';

interface Recent<T> {
  key: Uint32Array;
  prefix: number;
  value: T;
}

export class LiveRanges<T> {
  private main: RangeForest<T>;
  private recent: RangeForest<T>;
  private readonly pending = new Map<T, Recent<T>>();
  private recentStale = false;
  /** Ranges removed from the large forest but still in it. */
  private removed = 0;

  /** `isLive` tells a current value from one removed since the last merge. */
  constructor(
    private readonly words: number,
    private readonly isLive: (value: T) => boolean,
    entries?: RangeEntries<T>,
  ) {
    this.main = entries ? RangeForest.build(words, entries) : RangeForest.empty(words);
    this.recent = RangeForest.empty(words);
  }

  add(key: Uint32Array, prefix: number, value: T): void {
    this.pending.set(value, { key: key.slice(0, this.words), prefix, value });
    this.recentStale = true;
  }

  /** Call after `isLive(value)` has turned false. */
  remove(value: T): void {
    if (this.pending.delete(value)) this.recentStale = true;
    else this.removed++;
  }

  containing(address: Uint32Array, out: T[]): void {
    this.settle();
    const from = out.length;
    this.main.containing(address, 0, out);
    this.recent.containing(address, 0, out);
    this.dropRemoved(out, from);
  }

  overlapping(network: Uint32Array, prefix: number, out: T[]): void {
    this.settle();
    const from = out.length;
    this.main.overlapping(network, prefix, out);
    this.recent.overlapping(network, prefix, out);
    this.dropRemoved(out, from);
  }

  private dropRemoved(out: T[], from: number): void {
    if (this.removed === 0) return;
    let kept = from;
    for (let i = from; i < out.length; i++) if (this.isLive(out[i])) out[kept++] = out[i];
    out.length = kept;
  }

  private settle(): void {
    if (!this.recentStale && this.removed <= this.mergeLimit()) return;
    if (this.pending.size > this.mergeLimit() || this.removed > this.mergeLimit()) this.merge();
    else this.recent = RangeForest.build(this.words, this.pendingEntries());
    this.recentStale = false;
  }

  private mergeLimit(): number {
    return Math.max(256, 2 * Math.ceil(Math.sqrt(this.main.size)));
  }

  private merge(): void {
    const kept = this.main.entries(this.isLive);
    const added = this.pendingEntries();
    const keys = new Uint32Array(kept.keys.length + added.keys.length);
    keys.set(kept.keys);
    keys.set(added.keys, kept.keys.length);
    const prefixes = new Uint8Array(kept.prefixes.length + added.prefixes.length);
    prefixes.set(kept.prefixes);
    prefixes.set(added.prefixes, kept.prefixes.length);
    this.main = RangeForest.build(this.words, { keys, prefixes, values: kept.values.concat(added.values) });
    this.recent = RangeForest.empty(this.words);
    this.pending.clear();
    this.removed = 0;
  }

  private pendingEntries(): RangeEntries<T> {
    const keys = new Uint32Array(this.pending.size * this.words);
    const prefixes = new Uint8Array(this.pending.size);
    const values: T[] = [];
    for (const { key, prefix, value } of this.pending.values()) {
      keys.set(key, values.length * this.words);
      prefixes[values.length] = prefix;
      values.push(value);
    }
    return { keys, prefixes, values };
  }
}
