export * from './model.ts';
export { BLOCK_ROWS, BlockBuilder, blockRow, observationId, type BlockRow } from './block.ts';
export { probesFor, type Probe, type SummaryTarget } from './summary.ts';
export {
  absorbStoredKeys,
  completeBlocks,
  discardIncompleteBlocks,
  observationsById,
  purgeObservations,
  reserveBlockId,
  scanObservations,
  writeBlock,
  type SubjectFilter,
  type StoredObservation,
} from './store.ts';
