export { openStore, type Store } from './database.ts';
export { readLock, DataFolderBusy, type LockHolder } from './data-folder.ts';
export { sqlArray } from './sql-array.ts';
export type * from './schema.ts';
export { bytesIn, bytesOf, bytesOut } from './bytes.ts';
