import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TICKET_ALPHABET, isValidTicket, newTicket, normaliseTicket } from '../../src/notices/index.ts';

const compact = (ticket: string) => ticket.replace(/^KP-/, '').replaceAll('-', '');
const sample = Array.from({ length: 150 }, () => newTicket());

describe('ticket numbers', () => {
  it('look like KP-XXXX-XXXX-C and use no look-alike characters', () => {
    for (const c of '0O1IL') assert.ok(!TICKET_ALPHABET.includes(c), `${c} is in the alphabet`);
    assert.equal(new Set(TICKET_ALPHABET).size, TICKET_ALPHABET.length);
    const symbol = `[${TICKET_ALPHABET}]`;
    const shape = new RegExp(`^KP-${symbol}{4}-${symbol}{4}-${symbol}$`);
    for (const ticket of sample) assert.match(ticket, shape);
  });

  it('are valid and unique when drawn many times', () => {
    const drawn = Array.from({ length: 20_000 }, () => newTicket());
    assert.ok(drawn.every(isValidTicket));
    assert.equal(new Set(drawn).size, drawn.length);
  });

  it('draw every symbol from the random source without bias (bytes of 248 and above are redrawn)', () => {
    let calls = 0;
    const source = (buffer: Uint8Array) => {
      // First call: only bytes that must be rejected; then bytes 31 … 38 (symbols 0 … 7).
      buffer.fill(calls++ === 0 ? 250 : 0);
      if (calls > 1) buffer.forEach((_, i) => (buffer[i] = 31 + (i % 8)));
      return buffer;
    };
    const ticket = newTicket(source);
    assert.equal(calls, 2);
    assert.equal(compact(ticket).slice(0, 8), TICKET_ALPHABET.slice(0, 8));
    assert.ok(isValidTicket(ticket));
  });

  it('are accepted in lower case, with spaces, without dashes or without the prefix', () => {
    const ticket = sample[0];
    const forms = [
      ticket.toLowerCase(),
      ticket.replaceAll('-', ''),
      ticket.replaceAll('-', ' '),
      ` ${ticket.toLowerCase().replaceAll('-', ' ')} `,
      compact(ticket),
      compact(ticket).toLowerCase().replace(/(....)/g, '$1 '),
    ];
    for (const form of forms) assert.equal(normaliseTicket(form), ticket, form);
  });

  it('catch every single-character error (exhaustively, for every position and symbol)', () => {
    for (const ticket of sample) {
      const symbols = [...compact(ticket)];
      symbols.forEach((original, position) => {
        for (const replacement of TICKET_ALPHABET) {
          if (replacement === original) continue;
          const wrong = symbols.with(position, replacement).join('');
          assert.equal(isValidTicket(wrong), false, `${ticket}: ${wrong} passed`);
        }
      });
    }
  });

  it('catch every adjacent transposition, including the check character', () => {
    let tested = 0;
    for (const ticket of sample) {
      const symbols = [...compact(ticket)];
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === symbols[i + 1]) continue;
        const swapped = symbols.with(i, symbols[i + 1]).with(i + 1, symbols[i]).join('');
        assert.equal(isValidTicket(swapped), false, `${ticket}: ${swapped} passed`);
        tested++;
      }
    }
    assert.ok(tested > sample.length * 6);
  });

  it('reject look-alikes, wrong lengths and other text', () => {
    const ticket = compact(sample[1]);
    for (const c of '0O1IL') assert.equal(isValidTicket(c + ticket.slice(1)), false);
    for (const text of ['', 'KP', ticket.slice(1), `${ticket}2`, 'KP-2222-2222', 'XX-2222-2222-2', '<script>']) {
      assert.equal(normaliseTicket(text), undefined, text);
    }
  });
});
