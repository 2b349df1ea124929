export * from './model.ts';
export { BLOCK_ROWS, BlockBuilder, BlockRowsBuilder, blockRow, buffersOf, observationId, packBlock, type BlockRow, type PackedBlock, type PreparedBlockRows, type Segment } from './block.ts';
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
