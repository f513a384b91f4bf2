/**
 * The databases integration tests run against: PGlite always, and the real
 * PostgreSQL at TEST_DATABASE_URL when it answers. With CI=true the real server
 * is required, so an unreachable server fails the run instead of shrinking it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { musehubDdl, openEmbedded, openServer, type Database } from '../../src/db/connect.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestTarget {
  name: 'pglite' | 'postgres';
  /** A fresh database holding MuseHub's empty tables; `drop()` removes it. */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  /** The URL another process (or connection) can open it with. */
  url: string;
  drop(): Promise<void>;
}

const pglite: TestTarget = {
  name: 'pglite',
  async create() {
    const db = await openEmbedded();
    return { db, url: db.url, drop: () => db.close() };
  },
};

const postgres: TestTarget = {
  name: 'postgres',
  async create() {
    const name = `mhgc_test_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const loader = new pg.Client({ connectionString: url.toString() });
    await loader.connect();
    await loader.query(musehubDdl());
    await loader.end();
    const db = await openServer(url.toString());
    return {
      db,
      url: url.toString(),
      async drop() {
        await db.close();
        await admin(`drop database if exists ${name} with (force)`);
      },
    };
  },
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function serverAnswers(): Promise<boolean> {
  try {
    await admin('select 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true needs PostgreSQL at ${TEST_DATABASE_URL}: ${(error as Error).message}`);
    }
    return false;
  }
}

/** PGlite, then the real server when it answers (always, under CI). */
export async function testTargets(): Promise<TestTarget[]> {
  return (await serverAnswers()) ? [pglite, postgres] : [pglite];
}

/** Only the real server: for what PGlite cannot show (concurrent sessions, locks). */
export async function serverTarget(): Promise<TestTarget[]> {
  return (await serverAnswers()) ? [postgres] : [];
}
