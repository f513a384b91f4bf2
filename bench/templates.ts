/**
 * Big hubs for benchmarks, built once into template databases on the server and reused: each
 * measurement works on a fresh copy (CREATE DATABASE … TEMPLATE), since collecting deletes.
 */
import pg from 'pg';
import { musehubDdl, openServer, type Database } from '../src/db/connect.js';

/** The URL of database `name` on the server `adminUrl` reaches. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `work` on a connection of its own to the database at `url`. */
export async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A template database holding `build`'s hub, built the first time and reused after. */
export async function benchTemplate(
  adminUrl: string,
  name: string,
  build: (db: Database) => Promise<unknown>,
): Promise<string> {
  const ready = await onDatabase(
    adminUrl,
    async (client) =>
      (
        await client.query(
          `select 1 from pg_database d join pg_shdescription s on s.objoid = d.oid
     where d.datname = $1 and s.description = 'musehub-gc bench: complete'`,
          [name],
        )
      ).rowCount === 1,
  );
  if (ready) return name;
  const started = performance.now();
  process.stderr.write(`building ${name} (once; later runs reuse it)…\n`);
  await onDatabase(adminUrl, async (client) => {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  });
  await onDatabase(databaseUrl(adminUrl, name), (client) => client.query(musehubDdl()));
  const db = await openServer(databaseUrl(adminUrl, name));
  try {
    await build(db);
  } finally {
    await db.close();
  }
  // A production database has its statistics; so does the template, or the planner guesses.
  await onDatabase(databaseUrl(adminUrl, name), (client) => client.query('vacuum analyze'));
  await onDatabase(adminUrl, (client) => client.query(`comment on database ${name} is 'musehub-gc bench: complete'`));
  process.stderr.write(`built ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return name;
}

/** A fresh copy of a template, to act on, named by `suffix` (a copy of that name goes); returns its name. */
export async function freshCopy(adminUrl: string, templateName: string, suffix = 'run'): Promise<string> {
  const name = `${templateName}_${suffix}`;
  await onDatabase(adminUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name} template ${templateName}`);
  });
  return name;
}
