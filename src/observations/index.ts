export * from './model.ts';
export { subjectHost, subjectNetwork, reverseLabels } from './subject.ts';
export { insertObservations, listObservations, purgeObservations, scopeOf, storedRow, type Scope, type StoredObservation, type StoredRow } from './store.ts';
