/** Sources as the command line and the API register them: in a format that an ingest reads. */
import type { Kysely } from 'kysely';
import { ADVISORY_FORMATS, advisoryFormatByName } from '../advisories/index.ts';
import { KoppelError } from '../errors.ts';
import { formatByName, FORMATS } from '../intake/index.ts';
import { addSource, type Source, type SourceInput } from '../intake/sources.ts';
import type { Database } from '../store/index.ts';

/** Registers the source; one in a format no ingest reads is refused, naming the formats there are. */
export async function registerSource(db: Kysely<Database>, input: SourceInput): Promise<Source> {
  const known = [...FORMATS, ...ADVISORY_FORMATS].map((f) => f.name);
  if (!known.includes(input.format.split(':')[0].trim().toLowerCase())) {
    throw new KoppelError('invalid', `unknown format "${input.format}"; formats: ${known.join(', ')}`, [{ field: 'format', value: input.format, reason: 'unknown format' }]);
  }
  // A feed format's argument (shadowserver:REPORT) is checked as an ingest would read it.
  if (!advisoryFormatByName(input.format)) formatByName(input.format);
  return addSource(db, input);
}
