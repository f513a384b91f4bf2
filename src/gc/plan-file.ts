/**
 * A plan saved to a file, for the change-ticket workflow: review a plan, attach it,
 * apply exactly that. The file is a magic line, a MessagePack body (the plan, and its
 * sets as packed ids; a set inside another as a bitmap over it), and a SHA-256 digest
 * of everything before it. A file that is truncated or altered is refused, as is one
 * for another hub or repo, or older than the age it may have.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pack, unpack } from 'msgpackr';
import { RefusedError, UsageError, messageOf } from '../errors.js';
import { formatGrace } from './duration.js';
import { IdIndex, IdList, type IdShape } from './packed-ids.js';
import { PHASE_SETS } from './phases/table.js';
import { emptySets } from './plan.js';
import { repoName, type HubIdentity, type Plan, type PlanSets } from './types.js';

const MAGIC = Buffer.from('MUSEHUB-GC-PLAN\n');
const DIGEST_BYTES = 32;
/** The format this code writes and reads; another version is refused with a line saying so. */
export const PLAN_FILE_VERSION = 1;

/** A set as the file holds it: packed ids, or the members of a set listed before it. */
type StoredSet =
  | { packed: Uint8Array; odd: string[] }
  | { within: keyof PlanSets; bits: Uint8Array; extra: { packed: Uint8Array; odd: string[] } };

/** Sets that are (almost) inside another: phase 1's commits among its refs, phase 4's objects among phase 3's refs. */
const WITHIN: Partial<Record<keyof PlanSets, keyof PlanSets>> = { commits: 'commitRefs', objects: 'objectRefs' };

interface Body {
  version: number;
  plan: Omit<Plan, 'sets'>;
  sets: Record<keyof PlanSets, StoredSet>;
}

/** Writes `plan` to `path` (atomically: a temporary file, then a rename); returns the file's size. */
export async function savePlan(plan: Plan, path: string): Promise<number> {
  const { sets, ...summary } = plan;
  const stored = {} as Body['sets'];
  for (const { key } of PHASE_SETS) stored[key] = storeSet(sets, key);
  const body = pack({ version: PLAN_FILE_VERSION, plan: summary, sets: stored } satisfies Body);
  const head = Buffer.concat([MAGIC, body]);
  const file = Buffer.concat([head, createHash('sha256').update(head).digest()]);
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temp, file);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UsageError(`cannot write the plan to ${path}: ${messageOf(error)}`);
  }
  return file.length;
}

/** What a loaded plan file must match. */
export interface PlanFileCheck {
  hub: HubIdentity;
  /** The database's clock now, ISO 8601. */
  now: string;
  maxAgeSeconds: number;
}

/** Reads a plan file; refuses (RefusedError) one that is damaged, for another hub, or too old. */
export async function loadPlan(path: string, check: PlanFileCheck): Promise<Plan> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${path}: ${messageOf(error)}`);
  }
  const refuse = (why: string) => new RefusedError(`plan file ${path} refused, nothing was deleted: ${why}`);
  if (file.length < MAGIC.length + DIGEST_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw refuse('it is not a musehub-gc plan file (write one with `musehub-gc plan <repo> --out FILE`)');
  }
  const head = file.subarray(0, file.length - DIGEST_BYTES);
  if (!createHash('sha256').update(head).digest().equals(file.subarray(file.length - DIGEST_BYTES))) {
    throw refuse('it is truncated or altered (its digest does not match its content); plan again');
  }
  let body: Body;
  let sets: PlanSets;
  try {
    body = unpack(head.subarray(MAGIC.length)) as Body;
    if (body.version !== PLAN_FILE_VERSION) {
      throw refuse(`it is format version ${body.version}, and this musehub-gc reads version ${PLAN_FILE_VERSION}`);
    }
    sets = emptySets();
    for (const { key, shape } of PHASE_SETS) sets[key] = restoreSet(body.sets[key], shape, sets);
  } catch (error) {
    if (error instanceof RefusedError) throw error;
    throw refuse(`its content does not decode (${messageOf(error)})`);
  }
  const plan: Plan = { ...body.plan, sets };
  if (plan.hub.hubId !== check.hub.hubId) {
    throw refuse(`it was made on another hub (${plan.hub.label}, id ${plan.hub.hubId}); this is ${check.hub.label} (id ${check.hub.hubId})`);
  }
  const ageSeconds = (Date.parse(check.now) - Date.parse(plan.computedAt)) / 1000;
  if (ageSeconds > check.maxAgeSeconds) {
    throw refuse(`it was made ${formatGrace(Math.round(ageSeconds))} ago (${plan.computedAt}), longer than --max-plan-age ` +
      `${formatGrace(check.maxAgeSeconds)}: plan ${repoName(plan.repo)} again`);
  }
  return plan;
}

function storeSet(sets: PlanSets, key: keyof PlanSets): StoredSet {
  const set = sets[key];
  const within = WITHIN[key];
  if (!within) return set.encode();
  // By packed key throughout: a million ids unpacked to text and packed again cost seconds.
  const members = IdIndex.of(set);
  const outer = sets[within];
  const inOuter = IdIndex.of(outer);
  const bits = new Uint8Array(Math.ceil(outer.size / 8));
  let i = 0;
  const mark = (member: boolean) => {
    if (member) bits[i >> 3]! |= 1 << (i & 7);
    i++;
  };
  outer.forEachKey((bytes, at) => mark(members.indexOfKey(bytes, at) >= 0), (id) => mark(members.has(id)));
  const extra = set.filterKeys((bytes, at) => inOuter.indexOfKey(bytes, at) < 0, (id) => !inOuter.has(id));
  return { within, bits, extra: extra.encode() };
}

function restoreSet(stored: StoredSet, shape: IdShape, sets: PlanSets): IdList {
  if (!('within' in stored)) return IdList.decode(shape, stored.packed, stored.odd);
  const outer = sets[stored.within];
  if (stored.bits.length !== Math.ceil(outer.size / 8)) throw new Error(`the bitmap does not fit ${stored.within}`);
  const set = new IdList(shape);
  let i = 0;
  const marked = () => {
    const member = (stored.bits[i >> 3]! & (1 << (i & 7))) !== 0;
    i++;
    return member;
  };
  outer.forEachKey((bytes, at) => {
    if (marked()) set.pushPacked(bytes, at);
  }, (id) => {
    if (marked()) set.push(id);
  });
  const extra = IdList.decode(shape, stored.extra.packed, stored.extra.odd);
  extra.forEachKey((bytes, at) => set.pushPacked(bytes, at), (id) => set.push(id));
  return set;
}
