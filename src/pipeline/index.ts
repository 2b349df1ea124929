export { ingestFile, type IngestRequest, type IngestReport } from './ingest.ts';
export { attachMatcher, retroMatch, loadIndexedAssets, sightingOf, type Matcher } from './matcher.ts';
export { watchInbox, type InboxEvents } from './inbox.ts';
export { listObservations } from './observations.ts';
