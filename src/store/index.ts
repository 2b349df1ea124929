export { openStore, type Store } from './database.ts';
export { readLock, DataFolderBusy, type LockHolder } from './data-folder.ts';
export type * from './schema.ts';
