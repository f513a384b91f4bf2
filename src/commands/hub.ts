/**
 * Where a command's hub is: a PostgreSQL server (--database-url or DATABASE_URL)
 * with the blob store --storage or MUSEHUB_STORAGE names, or else the embedded
 * demo hub, seeded on its first start, with its blobs beside its database.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/connect.js';
import { defaultEmbeddedDir } from '../db/embedded.js';
import type { GcService } from '../gc/service.js';
import type { BlobStore } from '../storage/blob-store.js';
import { FileBlobStore } from '../storage/file-store.js';
import { openBlobStore } from '../storage/open.js';
import type { ParsedArgs } from './args.js';
import { onInterrupt } from './interrupt.js';
import { note } from './output.js';

/** Where the hub is, from the options and the environment. */
export interface HubSettings {
  databaseUrl: string | undefined;
  storageUrl: string | undefined;
  /** The embedded hub's directory, used when there is no database URL. */
  embeddedDir: string;
}

export function hubSettings(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): HubSettings {
  return {
    databaseUrl: args.values['database-url'] ?? (env.DATABASE_URL || undefined),
    storageUrl: args.values.storage ?? (env.MUSEHUB_STORAGE || undefined),
    embeddedDir: defaultEmbeddedDir(env),
  };
}

/** An open hub; `store` is undefined for a server with no storage configured. */
export interface Hub {
  db: Database;
  store: BlobStore | undefined;
}

/** How a command wants the hub opened. */
export interface HubOptions {
  /** Connections a server's pool may open: a hub pass wants some per worker. */
  poolMax?: number;
  /** The command, when it writes to the database: a read-only one refuses it in one line before any work. */
  writes?: string;
  /** Where what opening does is said (a first start, the tool's tables prepared); stderr unless told. */
  notice?: (line: string) => void;
}

/**
 * Opens the hub, hands it to `work`, and closes it on every path, including an
 * interrupt (the embedded hub holds a lock file until it is closed).
 */
export async function withHub<T>(
  settings: HubSettings,
  work: (hub: Hub) => Promise<T>,
  options: HubOptions = {},
): Promise<T> {
  // A bad storage URL is a usage error: say so before any database is touched.
  const store = settings.storageUrl ? await openBlobStore(settings.storageUrl) : undefined;
  const notice = options.notice ?? note;
  const opening: Promise<Hub> = settings.databaseUrl
    ? import('../db/connect.js').then(async ({ openServer }) => ({
        db: await openServer(settings.databaseUrl!, { notice, poolMax: options.poolMax }),
        store,
      }))
    : openDemoHub(settings.embeddedDir, store, notice);
  // Closing waits for the hub to open (or seed), so an interrupt then still closes it, lock file and all;
  // and it runs once, for an interrupt and the normal way out may both close and both must wait for it.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const hub = await opening.catch(() => undefined);
      await hub?.db.close();
      await store?.close();
    })());
  const detach = onInterrupt(close);
  try {
    const hub = await opening;
    if (options.writes) {
      const { requireWritable } = await import('../db/access.js');
      await requireWritable(hub.db.knex(), hub.db.label, options.writes);
    }
    return await work(hub);
  } finally {
    detach();
    await close();
  }
}

/**
 * Opens the hub and hands `work` the engine's one door to it (and the hub, for what
 * only a command needs: where it is). Closes it on every path, as withHub does.
 */
export function withService<T>(
  settings: HubSettings,
  graceSeconds: number,
  work: (service: GcService, hub: Hub) => Promise<T>,
  options: HubOptions = {},
): Promise<T> {
  return withHub(
    settings,
    async (hub) => {
      // The engine loads only when a command opens a hub: --help stays quick.
      const { createGcService } = await import('../gc/gc-service.js');
      return work(createGcService(hub.db, hub.store, { graceSeconds }), hub);
    },
    options,
  );
}

/** Opens the embedded hub in `dir`, creating and seeding it with the demo hub on first start. */
async function openDemoHub(dir: string, store: BlobStore | undefined, notice: (line: string) => void): Promise<Hub> {
  const blobs = store ?? new FileBlobStore(join(dir, 'blobs'));
  // The database driver loads only when a command opens a hub (--help stays quick); the demo generator
  // only on a first start.
  const { openEmbedded } = await import('../db/connect.js');
  const db = await openEmbedded({
    dir,
    notice,
    seed: async (fresh) => {
      notice("writing the demo hub's repos and their blobs…");
      const { seedDemoHub } = await import('../demo/demo-hub.js');
      await seedDemoHub(fresh, blobs);
    },
  });
  return { db, store: blobs };
}

/** Deletes the embedded hub's database and default blob directory (its lock must be held). */
export function removeEmbeddedHub(dir: string): void {
  rmSync(join(dir, 'pgdata'), { recursive: true, force: true });
  rmSync(join(dir, 'blobs'), { recursive: true, force: true });
}
