import { sql } from 'kysely';

/**
 * Bytes go to the store as hex text that it decodes, and come back as base64 text: PGlite turns a
 * bytea parameter or result into text and back byte by byte in JavaScript, some 25 times slower.
 */
export const bytesIn = (bytes: Uint8Array) => sql`decode(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}, 'hex')`;

/** A bytea column selected as base64 text under its own name; bytesOf reads it. */
export const bytesOut = <C extends string>(column: C) => sql<string>`encode(${sql.ref(column)}, 'base64')`.as(column);

export const bytesOf = (base64: string): Buffer => Buffer.from(base64, 'base64');
