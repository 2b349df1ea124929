export * from './model.ts';
export { subjectHost, subjectNetwork, reverseLabels } from './subject.ts';
export { insertObservations, listObservations, purgeObservations, observationKey, scopeOf, type Scope, type StoredObservation } from './store.ts';
