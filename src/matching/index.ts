export { AssetIndex, type AssetMatch, type IndexedAsset, type IndexedKind } from './asset-index.ts';
export { matchObservation, type ObservationMatch, type IndicatorKind } from './match.ts';
export { scopeOf, scopeOfAsset, withinScope, type Scope } from './scope.ts';
