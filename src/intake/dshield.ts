/**
 * DShield recommended block list (`block.txt`): the subnets that attacked most sensors over
 * the last three days, as tab-separated start–end ranges under a `#` banner. A range becomes
 * the smallest set of CIDR networks covering it, one observation each.
 */
import type { Readable } from 'node:stream';
import type { Observation } from '../observations/model.ts';
import { rangeToCidrs, refang } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { baseName, numberedLines, rowError, sourceDefaults, utcTimestamp } from './feed-input.ts';
import { checkedRow } from './observation.ts';

const COLUMNS = ['start', 'end', 'netblock', 'attacks', 'name', 'country', 'email'] as const;

const BANNER = /^#\s*DShield\.org Recommended Block List/im;
const RANGE_LINE = /^\d{1,3}(\.\d{1,3}){3}\t\d{1,3}(\.\d{1,3}){3}\t\d+/m;

function detect(fileName: string, head: string): number {
  if (BANNER.test(head)) return 0.95;
  const named = /dshield|^block\.txt$/.test(baseName(fileName));
  if (named && RANGE_LINE.test(head)) return 0.8;
  return named ? 0.3 : 0;
}

function observe(context: ParseContext, line: number, text: string, observedAt: string | undefined): ParsedRow[] {
  const values = text.split('\t').map((v) => v.trim());
  const fields = Object.fromEntries(COLUMNS.map((c, i) => [c, values[i] ?? '']).filter(([, v]) => v !== ''));
  if (!fields.start || !fields.end) return [rowError(context, line, fields.start ? 'end' : 'start', 'a range needs a start and an end address')];
  const networks = rangeToCidrs(refang(fields.start), refang(fields.end));
  if (!networks.ok) return [rowError(context, line, 'start', networks.reason)];
  const attacks = /^\d+$/.test(fields.attacks ?? '') ? Number(fields.attacks) : undefined;
  return networks.value.map((network) => {
    const observation: Observation = {
      ...sourceDefaults(context, 'medium'),
      observedAt: observedAt ?? context.fileTime,
      kind: 'attack-source',
      type: 'dshield-block',
      subject: { network: network.cidr },
      description:
        attacks === undefined
          ? 'Among the most active attacking subnets seen by DShield sensors'
          : `Among the most active attacking subnets seen by DShield sensors: ${attacks} targets reported scans over three days`,
      evidence: fields,
    };
    return checkedRow(context, line, observation);
  });
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  let observedAt: string | undefined;
  for await (const { line, text } of numberedLines(input)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const updated = /^#\s*updated:\s*(.+)$/i.exec(trimmed);
      if (updated) observedAt = utcTimestamp(updated[1]);
      continue;
    }
    if (/^start\s/i.test(trimmed)) continue;
    yield* observe(context, line, text, observedAt);
  }
}

export const dshield: IntakeFormat = {
  name: 'dshield-block',
  description: 'DShield recommended block list: top attacking subnets as start–end ranges',
  detect,
  parse,
};
