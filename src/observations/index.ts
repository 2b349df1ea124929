export * from './model.ts';
export { BLOCK_ROWS, BlockBuilder, blockRow, observationId, type BlockRow } from './block.ts';
export {
  absorbStoredKeys,
  completeBlocks,
  discardIncompleteBlocks,
  listObservations,
  observationsById,
  purgeObservations,
  reserveBlockId,
  scanObservations,
  scopeOf,
  writeBlock,
  type Scope,
  type StoredObservation,
} from './store.ts';
