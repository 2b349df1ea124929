/**
 * Keys already met, each with the line (or any positive number) it was first met on. A million keys
 * as strings in a Map hold some 200 MB; here each is a 64-bit hash in typed arrays, 24 bytes a key
 * at most. Two different keys share a hash with a chance of about 3 in 100 million among a million
 * keys: a risk of naming something a duplicate that is worth the memory.
 */
export class SeenKeys {
  private high: Int32Array;
  private low: Int32Array;
  /** 0 marks an empty slot: lines are counted from 1. */
  private lines: Int32Array;
  private count = 0;

  /** `slots`, a power of two, holds half as many keys before the set grows. */
  constructor(slots = 1024) {
    this.high = new Int32Array(slots);
    this.low = new Int32Array(slots);
    this.lines = new Int32Array(slots);
  }

  /** How many keys have been met. */
  get size(): number {
    return this.count;
  }

  /** The line `key` was first met on, or undefined when it is new (and is now met on `line`). */
  firstLine(key: string, line: number): number | undefined {
    const hash = hash64(key);
    return this.firstLineOfHash(hash.high, hash.low, line);
  }

  /** As firstLine, for a key already hashed with hash64. */
  firstLineOfHash(high: number, low: number, line: number): number | undefined {
    const mask = this.lines.length - 1;
    let slot = high & mask;
    for (; this.lines[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.high[slot] === high && this.low[slot] === low) return this.lines[slot];
    }
    this.high[slot] = high;
    this.low[slot] = low;
    this.lines[slot] = line;
    if (++this.count * 2 > this.lines.length) this.grow();
    return undefined;
  }

  /** Visits the hash of every key met. */
  forEach(visit: (high: number, low: number) => void): void {
    for (let slot = 0; slot < this.lines.length; slot++) if (this.lines[slot] !== 0) visit(this.high[slot], this.low[slot]);
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

/** Where hash64 puts a text's UTF-8 bytes, read back as 32-bit words; grown as texts need. */
let scratch = Buffer.from(new ArrayBuffer(4096));
let words = new Int32Array(scratch.buffer);

/**
 * A 64-bit hash of a text's UTF-8 bytes as two 32-bit halves: two multiplicative hashes, a 32-bit
 * word at a time, each spread by murmur3's finaliser. The text is encoded first: reading a string a
 * character at a time is slow when it is a rope of pieces, as JSON.stringify returns it.
 */
export function hash64(text: string): { high: number; low: number } {
  if (text.length * 3 + 4 > scratch.length) {
    scratch = Buffer.from(new ArrayBuffer(text.length * 6 + 4));
    words = new Int32Array(scratch.buffer);
  }
  const length = scratch.write(text, 0, 'utf8');
  // The bytes after the text up to the next word boundary are made zero, so the last word holds only the text.
  scratch.writeInt32LE(0, length);
  let h1 = 0x811c9dc5 ^ length;
  let h2 = 0x9747b28c;
  const count = (length + 3) >> 2;
  for (let i = 0; i < count; i++) {
    const word = words[i];
    h1 = Math.imul(h1 ^ word, 0x01000193);
    h2 = Math.imul(h2 ^ word, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return { high: mix32(h1), low: mix32(h2) };
}

/** murmur3's 32-bit finaliser: every bit of the result depends on every bit of `h`. */
export function mix32(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
