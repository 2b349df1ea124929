/**
 * A static set of CIDR ranges of one address family in sorted typed arrays, answering "which ranges
 * contain this address" with one binary search.
 *
 * Two CIDR ranges are either disjoint or one contains the other, so the ranges form a forest: each
 * range's parent is the narrowest range that contains it. The boundaries of all ranges cut the
 * address space into segments; each segment records the narrowest range covering it. A lookup finds
 * its segment by binary search and walks up the parents: O(log n + matches), whatever the nesting.
 * (Grouping by prefix length costs one search per populated length, 20 to 30 of them with a real
 * registry; measured about four times slower for IPv4.)
 *
 * Keys are `words` Uint32 words each (1 for IPv4, 4 for IPv6), most significant first.
 */
import { hostMask } from '../indicators/index.ts';

/** Flat input: range i has key words `keys[i*words …]`, prefix length `prefixes[i]`, and stands for `values[i]`. */
export interface RangeEntries<T> {
  keys: Uint32Array;
  prefixes: Uint8Array;
  values: T[];
}

function compareKeys(a: Uint32Array, ai: number, b: Uint32Array, bi: number, words: number): number {
  for (let w = 0; w < words; w++) {
    const x = a[ai + w];
    const y = b[bi + w];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Is the last address of range `ri` (key in `keys`) below the address at `bi` in `b`? */
function endsBefore(keys: Uint32Array, ri: number, prefix: number, b: Uint32Array, bi: number, words: number): boolean {
  for (let w = 0; w < words; w++) {
    const end = (keys[ri + w] | hostMask(w, prefix)) >>> 0;
    const y = b[bi + w];
    if (end !== y) return end < y;
  }
  return false;
}

export class RangeForest<T> {
  private constructor(
    private readonly words: number,
    private readonly nodeKeys: Uint32Array,
    /**
     * Per node, together so that walking up costs one cache line a node: its parent (-1 for a
     * root), its prefix length, and the first and end index of its values in `values`.
     */
    private readonly nodeInfo: Int32Array,
    private readonly values: T[],
    /** Per segment its first address (`words` words) and its narrowest node plus one (0: none), side by side. */
    private readonly segments: Uint32Array,
    private readonly directory: Directory | undefined,
  ) {}

  static empty<T>(words: number): RangeForest<T> {
    return RangeForest.build(words, { keys: new Uint32Array(0), prefixes: new Uint8Array(0), values: [] });
  }

  static build<T>(words: number, entries: RangeEntries<T>): RangeForest<T> {
    const { keys, prefixes, values } = entries;
    const n = values.length;
    const order = sortedOrder(words, keys, prefixes, n);

    // Equal ranges (several organisations, or an address and its /32) share one node.
    const nodeKeys = new Uint32Array(n * words);
    const nodePrefix = new Uint8Array(n);
    const valueStart = new Int32Array(n + 1);
    const sortedValues = new Array<T>(n);
    let nodes = 0;
    for (let i = 0; i < n; i++) {
      const e = order[i];
      const isNew = nodes === 0 || prefixes[e] !== nodePrefix[nodes - 1] || compareKeys(keys, e * words, nodeKeys, (nodes - 1) * words, words) !== 0;
      if (isNew) {
        nodeKeys.set(keys.subarray(e * words, (e + 1) * words), nodes * words);
        nodePrefix[nodes] = prefixes[e];
        valueStart[nodes] = i;
        nodes++;
      }
      sortedValues[i] = values[e];
    }
    valueStart[nodes] = n;

    const nodeParent = new Int32Array(nodes);
    const segmentKeys = new Uint32Array((2 * nodes + 1) * words);
    const segmentNode = new Int32Array(2 * nodes + 1);
    let segments = 0;
    const next = new Uint32Array(words);
    const emit = (key: Uint32Array, at: number, node: number) => {
      if (segments > 0 && compareKeys(segmentKeys, (segments - 1) * words, key, at, words) === 0) {
        segmentNode[segments - 1] = node;
        return;
      }
      segmentKeys.set(key.subarray(at, at + words), segments * words);
      segmentNode[segments++] = node;
    };
    const stack = new Int32Array(words * 32 + 2);
    let depth = 0;
    // Closing a range starts a segment right after its last address, covered by the enclosing range.
    const close = () => {
      const top = stack[--depth];
      if (!lastPlusOne(nodeKeys, top * words, nodePrefix[top], words, next)) return;
      emit(next, 0, depth > 0 ? stack[depth - 1] : -1);
    };
    // Sorted by start, wider first: the enclosing ranges of a node are exactly those on the stack.
    for (let node = 0; node < nodes; node++) {
      while (depth > 0 && endsBefore(nodeKeys, stack[depth - 1] * words, nodePrefix[stack[depth - 1]], nodeKeys, node * words, words)) close();
      nodeParent[node] = depth > 0 ? stack[depth - 1] : -1;
      emit(nodeKeys, node * words, node);
      stack[depth++] = node;
    }
    while (depth > 0) close();

    const nodeInfo = new Int32Array(nodes * 4);
    for (let node = 0; node < nodes; node++) {
      nodeInfo[node * 4] = nodeParent[node];
      nodeInfo[node * 4 + 1] = nodePrefix[node];
      nodeInfo[node * 4 + 2] = valueStart[node];
      nodeInfo[node * 4 + 3] = valueStart[node + 1];
    }
    const stride = words + 1;
    const packed = new Uint32Array(segments * stride);
    for (let segment = 0; segment < segments; segment++) {
      packed.set(segmentKeys.subarray(segment * words, (segment + 1) * words), segment * stride);
      packed[segment * stride + words] = segmentNode[segment] + 1;
    }
    return new RangeForest(
      words,
      nodeKeys.slice(0, nodes * words),
      nodeInfo,
      sortedValues,
      packed,
      segments >= DIRECTORY_FROM ? directoryOf(packed, segments, stride) : undefined,
    );
  }

  get size(): number {
    return this.values.length;
  }

  /** Appends the values of every range containing the address (key words at `at` of `address`), narrowest first. */
  containing(address: Uint32Array, at: number, out: T[]): void {
    this.walkUp(this.segmentAt(address, at), out, 255);
  }

  /** Appends the values of every range that overlaps the network: those containing it and those inside it. */
  overlapping(network: Uint32Array, prefix: number, out: T[]): void {
    const { words, nodeKeys, nodeInfo } = this;
    // Wider ranges contain the network; equal and narrower ones on its first address come next.
    this.walkUp(this.segmentAt(network, 0), out, prefix - 1);
    const end = new Uint32Array(words);
    for (let w = 0; w < words; w++) end[w] = (network[w] | hostMask(w, prefix)) >>> 0;
    const nodes = nodeInfo.length / 4;
    for (let node = this.firstNodeFrom(network); node < nodes && compareKeys(nodeKeys, node * words, end, 0, words) <= 0; node++) {
      if (nodeInfo[node * 4 + 1] >= prefix) this.pushValues(node, out);
    }
  }

  /** Every range as entries again, for merging into a new forest. */
  entries(keep: (value: T) => boolean): RangeEntries<T> {
    const { words, nodeKeys, nodeInfo, values } = this;
    const kept = values.filter(keep).length;
    const keys = new Uint32Array(kept * words);
    const prefixes = new Uint8Array(kept);
    const out = new Array<T>(kept);
    let i = 0;
    for (let node = 0; node < nodeInfo.length / 4; node++) {
      for (let v = nodeInfo[node * 4 + 2]; v < nodeInfo[node * 4 + 3]; v++) {
        if (!keep(values[v])) continue;
        keys.set(nodeKeys.subarray(node * words, (node + 1) * words), i * words);
        prefixes[i] = nodeInfo[node * 4 + 1];
        out[i++] = values[v];
      }
    }
    return { keys, prefixes, values: out };
  }

  /** The narrowest node covering the address, or -1. */
  private segmentAt(address: Uint32Array, at: number): number {
    const { words, segments, directory } = this;
    const stride = words + 1;
    let low = 0;
    let high = segments.length / stride - 1;
    let found = -1;
    if (directory) {
      const first = address[at];
      if (first < directory.lowest) return -1;
      if (first <= directory.highest) {
        const bucket = (first >>> directory.shift) - directory.base;
        low = directory.firsts[bucket];
        high = directory.firsts[bucket + 1] - 1;
        found = low - 1;
      } else {
        low = high;
      }
    }
    if (words === 1) {
      const x = address[at];
      while (low <= high) {
        const mid = (low + high) >>> 1;
        if (segments[mid * 2] <= x) {
          found = mid;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
    } else {
      while (low <= high) {
        const mid = (low + high) >>> 1;
        if (compareKeys(segments, mid * stride, address, at, words) <= 0) {
          found = mid;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
    }
    return found < 0 ? -1 : segments[found * stride + words] - 1;
  }

  /** The first node whose start is at or after the key. */
  private firstNodeFrom(key: Uint32Array): number {
    const { words, nodeKeys } = this;
    let low = 0;
    let high = this.nodeInfo.length / 4;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(nodeKeys, mid * words, key, 0, words) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** From `node` up through its parents, appending the values of those no longer than `maxPrefix`. */
  private walkUp(node: number, out: T[], maxPrefix: number): void {
    for (let n = node; n >= 0; n = this.nodeInfo[n * 4]) if (this.nodeInfo[n * 4 + 1] <= maxPrefix) this.pushValues(n, out);
  }

  private pushValues(node: number, out: T[]): void {
    const { nodeInfo, values } = this;
    for (let v = nodeInfo[node * 4 + 2], end = nodeInfo[node * 4 + 3]; v < end; v++) out.push(values[v]);
  }
}

/**
 * Where to start the binary search: the segments by 16 bits of their first word, taken right after
 * the bits all segments share, so that the buckets spread even when every key lies in a few /16s of
 * IPv6 space. A lookup then searches one bucket (a few dozen segments, one or two cache lines) instead of
 * the whole array.
 */
interface Directory {
  lowest: number;
  highest: number;
  shift: number;
  base: number;
  /** `firsts[b]` is the first segment in bucket b or later. */
  firsts: Int32Array;
}

const DIRECTORY_FROM = 4096;
const DIRECTORY_BITS = 16;

function directoryOf(keys: Uint32Array, segments: number, stride: number): Directory {
  const lowest = keys[0];
  const highest = keys[(segments - 1) * stride];
  const shared = Math.clz32(lowest ^ highest);
  const shift = Math.max(0, 32 - shared - DIRECTORY_BITS);
  const base = lowest >>> shift;
  const buckets = (highest >>> shift) - base + 1;
  const firsts = new Int32Array(buckets + 1);
  let segment = 0;
  for (let bucket = 0; bucket <= buckets; bucket++) {
    while (segment < segments && (keys[segment * stride] >>> shift) - base < bucket) segment++;
    firsts[bucket] = segment;
  }
  return { lowest, highest, shift, base, firsts };
}

/** The last address of a range plus one, into `out`; false when that is past the end of the address space. */
function lastPlusOne(keys: Uint32Array, at: number, prefix: number, words: number, out: Uint32Array): boolean {
  let carry = 1;
  for (let w = words - 1; w >= 0; w--) {
    const sum = ((keys[at + w] | hostMask(w, prefix)) >>> 0) + carry;
    out[w] = sum >>> 0;
    carry = sum > 0xffffffff ? 1 : 0;
  }
  return carry === 0;
}

/** Entry indices sorted by start, then by prefix length (wider first). */
function sortedOrder(words: number, keys: Uint32Array, prefixes: Uint8Array, n: number): Int32Array {
  if (words === 1) {
    // start × 64 + prefix fits a Float64 exactly; a native numeric sort of the composite keys then
    // gives the order without a comparator call per step.
    const composite = new Float64Array(n);
    for (let i = 0; i < n; i++) composite[i] = keys[i] * 64 + prefixes[i];
    const sorted = composite.slice().sort();
    const order = new Int32Array(n);
    const filled = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const slot = lowerBound(sorted, composite[i]);
      order[slot + filled[slot]++] = i;
    }
    return order;
  }
  return new Int32Array(n).map((_, i) => i).sort((a, b) => compareKeys(keys, a * words, keys, b * words, words) || prefixes[a] - prefixes[b]);
}

function lowerBound(sorted: Float64Array, x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < x) low = mid + 1;
    else high = mid;
  }
  return low;
}
