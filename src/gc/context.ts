import type { Database } from '../db/connect.js';
import type { BlobStore } from '../storage/blob-store.js';

/** What the engine works on: MuseHub's database and its blob store. */
export interface GcContext {
  db: Database;
  store: BlobStore;
}
