export { ingestFile, type IngestRequest, type IngestReport } from './ingest.ts';
export { attachMatcher, retroMatch, loadIndexedAssets, matchesOf, type Matcher } from './matcher.ts';
export { watchInbox, type InboxEvents } from './inbox.ts';
