/**
 * Ticket numbers a recipient can read aloud over the phone and check on the verification page:
 * `KP-7Q4M-X9D2-K`. Eight random symbols and one check symbol from an alphabet without the
 * look-alikes 0/O and 1/I/L.
 *
 * The alphabet has 31 symbols, a prime, so a weighted sum modulo 31 is a proper check character
 * scheme (the ISBN-10 construction, an ISO 7064 pure system over 31 symbols): with the weights 1 … 9
 * all distinct and non-zero modulo 31, every single substituted symbol and every transposition of
 * two symbols (adjacent or not) changes the sum, so the check fails.
 */
import { randomFillSync } from 'node:crypto';

export const TICKET_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const MODULUS = TICKET_ALPHABET.length;
const PREFIX = 'KP';
const RANDOM_SYMBOLS = 8;
const VALUE = new Map([...TICKET_ALPHABET].map((c, i) => [c, i]));

/** The check symbol that makes the weighted sum of body and check zero modulo 31 (check weight 1, body weights 2 …). */
export function checkSymbol(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const value = VALUE.get(body[i]);
    if (value === undefined) throw new Error(`not a ticket symbol: ${JSON.stringify(body[i])}`);
    sum += value * (body.length + 1 - i);
  }
  return TICKET_ALPHABET[(MODULUS - (sum % MODULUS)) % MODULUS];
}

const format = (body: string, check: string): string => `${PREFIX}-${body.slice(0, 4)}-${body.slice(4)}-${check}`;

/**
 * A new ticket number from cryptographic randomness (about 40 bits, rejection-sampled so every
 * symbol is equally likely). Uniqueness across notices is the store's to enforce: on the rare
 * collision it draws again.
 */
export function newTicket(randomBytes: (buffer: Uint8Array) => Uint8Array = randomFillSync): string {
  let body = '';
  const buffer = new Uint8Array(16);
  while (body.length < RANDOM_SYMBOLS) {
    randomBytes(buffer);
    for (const byte of buffer) {
      // 248 = 8 × 31: bytes above it would make the first symbols likelier.
      if (byte < 248 && body.length < RANDOM_SYMBOLS) body += TICKET_ALPHABET[byte % MODULUS];
    }
  }
  return format(body, checkSymbol(body));
}

/**
 * The canonical form (`KP-7Q4M-X9D2-K`) of a ticket number as a person typed or read it: any case,
 * with or without spaces, dashes and the `KP` prefix. Undefined when it is not a valid ticket number.
 */
export function normaliseTicket(text: string): string | undefined {
  let compact = text.toUpperCase().replace(/[\s\-–_.]/g, '');
  if (compact.length === RANDOM_SYMBOLS + 1 + PREFIX.length && compact.startsWith(PREFIX)) compact = compact.slice(PREFIX.length);
  if (compact.length !== RANDOM_SYMBOLS + 1) return undefined;
  for (const c of compact) if (!VALUE.has(c)) return undefined;
  const body = compact.slice(0, RANDOM_SYMBOLS);
  const check = compact.slice(RANDOM_SYMBOLS);
  return checkSymbol(body) === check ? format(body, check) : undefined;
}

export const isValidTicket = (text: string): boolean => normaliseTicket(text) !== undefined;
