/**
 * The keys already met in one import file, each with the line it was first met on. A million keys
 * as strings in a Map hold some 200 MB until the import ends; here each is a 64-bit hash in typed
 * arrays, 24 bytes a key at most. Two different keys share a hash with a chance of about 3 in 100
 * million in a file of a million rows: a risk of naming a row a duplicate that is worth the memory.
 */
export class SeenKeys {
  private high = new Int32Array(1024);
  private low = new Int32Array(1024);
  /** 0 marks an empty slot: lines are counted from 1. */
  private lines = new Int32Array(1024);
  private size = 0;

  /** The line `key` was first met on, or undefined when it is new (and is now met on `line`). */
  firstLine(key: string, line: number): number | undefined {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 = mix(h1);
    h2 = mix(h2);
    const mask = this.lines.length - 1;
    let slot = h1 & mask;
    for (; this.lines[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.high[slot] === h1 && this.low[slot] === h2) return this.lines[slot];
    }
    this.high[slot] = h1;
    this.low[slot] = h2;
    this.lines[slot] = line;
    if (++this.size * 2 > this.lines.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const { high, low, lines } = this;
    this.high = new Int32Array(lines.length * 2);
    this.low = new Int32Array(lines.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    const mask = this.lines.length - 1;
    for (let old = 0; old < lines.length; old++) {
      if (lines[old] === 0) continue;
      let slot = high[old] & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.high[slot] = high[old];
      this.low[slot] = low[old];
      this.lines[slot] = lines[old];
    }
  }
}

/** Spreads the bits of a 32-bit hash (murmur3's finaliser). */
function mix(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
