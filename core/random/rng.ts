import { randomBytes, randomUUID } from 'node:crypto';

/**
 * The only source of randomness in core (STYLE.md habit 3): jitter, simulated distributions and,
 * on a seeded run, message ids all come from here, so the same seed gives the same bytes.
 */
export interface Rng {
  /** The seed this generator started from (recorded with a run so it can be replayed). */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** A lower-case UUID v4 string. */
  uuid4(): string;
}

/**
 * A seeded generator (sfc32 seeded through splitmix32): fast, 128-bit state, good enough for
 * simulation, and identical on every platform.
 */
export class SeededRng implements Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let s = this.seed;
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    // 53 bits of randomness from two draws.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /**
   * An independent generator for one purpose (`label`), seeded from this one's seed and the
   * label only: what it draws does not depend on what any other stream drew before.
   */
  derive(label: string): SeededRng {
    // FNV-1a over the label, mixed with the seed.
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new SeededRng(h >>> 0);
  }

  uuid4(): string {
    const a = this.nextUint32();
    const b = this.nextUint32();
    const c = this.nextUint32();
    const d = this.nextUint32();
    return formatUuid4(a, b, c, d);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Two hex digits of `v` from bit `shift` (module level: a closure per id costs under tsx). */
function h(v: number, shift: number): string {
  return HEX[(v >>> shift) & 0xff]!;
}

/** Formats 128 random bits as a UUID v4 string (sets the version and variant bits). */
function formatUuid4(a: number, b: number, c: number, d: number): string {
  const b6 = ((b >>> 16) & 0x0f) | 0x40;
  const b8 = (c & 0x3f) | 0x80;
  return (
    h(a, 0) +
    h(a, 8) +
    h(a, 16) +
    h(a, 24) +
    '-' +
    h(b, 0) +
    h(b, 8) +
    '-' +
    HEX[b6]! +
    h(b, 24) +
    '-' +
    HEX[b8]! +
    h(c, 8) +
    '-' +
    h(c, 16) +
    h(c, 24) +
    h(d, 0) +
    h(d, 8) +
    h(d, 16) +
    h(d, 24)
  );
}

/**
 * A generator for real (unseeded) runs: jitter from a seed drawn from the OS, ids from
 * `crypto.randomUUID` so they are unique across processes sharing one database.
 */
export class SystemRng extends SeededRng {
  constructor() {
    super(randomBytes(4).readUInt32LE(0));
  }

  override uuid4(): string {
    return randomUUID();
  }
}

/**
 * The broker's generator in a simulation: jitter (and every other draw) from `main`, message ids
 * from `ids`, or from the stream `withIds` names while a scheduled send builds its messages. So a
 * send keeps its message ids whatever else drew numbers before it (a fork changes what happens
 * after its fork point, not which ids the arrivals get).
 */
export class StreamRng implements Rng {
  readonly seed: number;
  private override: Rng | null = null;

  constructor(
    private readonly main: Rng,
    private readonly ids: Rng,
  ) {
    this.seed = main.seed;
  }

  next(): number {
    return this.main.next();
  }

  uniform(min: number, max: number): number {
    return this.main.uniform(min, max);
  }

  uuid4(): string {
    return (this.override ?? this.ids).uuid4();
  }

  /** Runs `fn` with message ids drawn from `source`. */
  withIds<T>(source: Rng, fn: () => T): T {
    const before = this.override;
    this.override = source;
    try {
      return fn();
    } finally {
      this.override = before;
    }
  }
}
