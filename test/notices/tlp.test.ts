import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TLP_LABELS } from '../../src/observations/model.ts';
import { mayDeliver, strictestTlp, tlpMarking, tlpRefusal } from '../../src/notices/index.ts';

const own = { ownContact: true };
const delegated = { ownContact: false };

describe('TLP', () => {
  it('gives a notice the strictest label of its contents', () => {
    assert.equal(strictestTlp(['GREEN', 'AMBER', 'CLEAR']), 'AMBER');
    assert.equal(strictestTlp(['AMBER', 'AMBER+STRICT', 'GREEN']), 'AMBER+STRICT');
    assert.equal(strictestTlp(['CLEAR', 'RED']), 'RED');
    assert.equal(strictestTlp(['GREEN']), 'GREEN');
    assert.equal(strictestTlp([]), 'CLEAR');
  });

  it('never lets TLP:RED leave, to anyone', () => {
    assert.equal(mayDeliver('RED', own), false);
    assert.equal(mayDeliver('RED', delegated), false);
    assert.match(tlpRefusal('RED', own) ?? '', /never leaves the analysts/);
  });

  it("sends TLP:AMBER+STRICT to the organisation's own contacts only, not to its IT supplier", () => {
    assert.equal(mayDeliver('AMBER+STRICT', own), true);
    assert.equal(mayDeliver('AMBER+STRICT', delegated), false);
    assert.match(tlpRefusal('AMBER+STRICT', delegated) ?? '', /own contacts/);
  });

  it('sends TLP:AMBER, GREEN and CLEAR to own and delegated contacts', () => {
    for (const label of ['AMBER', 'GREEN', 'CLEAR'] as const) {
      assert.equal(mayDeliver(label, own), true, label);
      assert.equal(mayDeliver(label, delegated), true, label);
    }
  });

  it('writes the label as a notice header shows it', () => {
    assert.deepEqual(TLP_LABELS.map(tlpMarking), ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED']);
  });
});
