export * from './model.ts';
export { recordMatches, listFindings, resolveUnseen, setFindingStatus, type FindingFilter } from './store.ts';
