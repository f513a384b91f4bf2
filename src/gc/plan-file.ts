/**
 * A plan saved to a file, for the change-ticket workflow: review a plan, attach it,
 * apply it later. The file is a first line naming the format and its version, a
 * MessagePack body (the plan with who saved it, where and with which version of this
 * tool; its sets as packed ids, a set inside another as a bitmap over it), an HMAC-SHA-256 of everything before it under this hub's key
 * (plan-key.ts), and a SHA-256 digest of everything before that. A file that is
 * truncated or damaged, not signed with this hub's key (made elsewhere, or edited), of
 * another version, for another hub or repo, dated ahead, or older than the age it may
 * have is refused. Even a file that passes is only a list to narrow a run to: the run
 * derives liveness again (execute.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pack, unpack } from 'msgpackr';
import { RefusedError, UsageError, messageOf } from '../errors.js';
import { operator } from '../operator.js';
import { toolVersion } from '../version.js';
import { formatGrace } from './duration.js';
import { IdIndex, IdList, type IdShape } from './packed-ids.js';
import { emptySets, PHASE_SETS, type PhaseSet } from './phases/catalog.js';
import { repoName, type HubIdentity, type Plan, type PlanMaker, type PlanSets } from './types.js';

/** The first line: `MUSEHUB-GC-PLAN v<version>`; version 1 wrote the bare name. */
const MAGIC = 'MUSEHUB-GC-PLAN';
const SIGNATURE_BYTES = 32;
const DIGEST_BYTES = 32;
/**
 * The format this code writes and reads; another version is refused with a line saying so. Version 3
 * added who made the file (user, host, tool version) to the signed body.
 */
export const PLAN_FILE_VERSION = 3;
/** How far ahead of the hub's clock a plan may be dated before it is refused: clocks of one database barely move. */
export const PLAN_CLOCK_SKEW_SECONDS = 60;

/** A set as the file holds it: packed ids, or the members of a set listed before it. */
type StoredSet =
  | { packed: Uint8Array; odd: string[] }
  | { within: keyof PlanSets; bits: Uint8Array; extra: { packed: Uint8Array; odd: string[] } };

interface Body {
  plan: Omit<Plan, 'sets'> & { madeBy: PlanMaker };
  sets: Record<keyof PlanSets, StoredSet>;
}

/**
 * Writes `plan` to `path` signed with `key`, atomically (a temporary file, then a rename), saying who
 * writes it: this process's user and host, and this tool's version. Returns its size.
 */
export async function savePlan(plan: Plan, path: string, key: Uint8Array): Promise<number> {
  const { sets, ...summary } = plan;
  const stored = {} as Body['sets'];
  for (const set of PHASE_SETS) stored[set.key] = storeSet(sets, set);
  const madeBy: PlanMaker = { ...operator(), tool: toolVersion() };
  const body = pack({ plan: { ...summary, madeBy }, sets: stored } satisfies Body);
  const head = Buffer.concat([Buffer.from(`${MAGIC} v${PLAN_FILE_VERSION}\n`), body]);
  const signed = Buffer.concat([head, signatureOf(head, key)]);
  const file = Buffer.concat([signed, createHash('sha256').update(signed).digest()]);
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
  /** The hub's plan key; undefined when the hub has none, so no plan file was ever made on it. */
  key: Uint8Array | undefined;
  /** The database's clock now, ISO 8601. */
  now: string;
  maxAgeSeconds: number;
}

/**
 * Reads a plan file; refuses (RefusedError), before acting on anything in it, one that is damaged, not
 * signed by this hub, of another version, for another hub, dated ahead of the hub's clock, or too old.
 */
export async function loadPlan(path: string, check: PlanFileCheck): Promise<Plan> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${path}: ${messageOf(error)}`);
  }
  const refuse = (why: string) => new RefusedError(`plan file ${path} refused, nothing was deleted: ${why}`);
  const lineEnd = file.subarray(0, MAGIC.length + 16).indexOf(0x0a);
  const line = lineEnd < 0 ? '' : file.subarray(0, lineEnd).toString('latin1');
  const version = line === MAGIC ? 1 : /^MUSEHUB-GC-PLAN v(\d{1,6})$/.exec(line)?.[1];
  if (version === undefined) {
    throw refuse('it is not a musehub-gc plan file (write one with `musehub-gc plan <repo> --out FILE`)');
  }
  if (Number(version) !== PLAN_FILE_VERSION) {
    throw refuse(
      `it is format version ${version}, and this musehub-gc reads version ${PLAN_FILE_VERSION}: ` +
        'plan the repo again',
    );
  }
  if (file.length < lineEnd + 1 + SIGNATURE_BYTES + DIGEST_BYTES) {
    throw refuse('it is truncated (shorter than a plan file can be); plan again');
  }
  const signed = file.subarray(0, file.length - DIGEST_BYTES);
  if (
    !createHash('sha256')
      .update(signed)
      .digest()
      .equals(file.subarray(file.length - DIGEST_BYTES))
  ) {
    throw refuse(
      'it is truncated or damaged (its SHA-256 digest does not match its content); ' + 'copy it again or plan again',
    );
  }
  const head = signed.subarray(0, signed.length - SIGNATURE_BYTES);
  const signature = signed.subarray(signed.length - SIGNATURE_BYTES);
  if (!check.key || !timingSafeEqual(signatureOf(head, check.key), signature)) {
    throw refuse(
      `it is not signed with the plan key of ${check.hub.label}: it was made on another hub, or edited ` +
        'after it was written; plan again on this hub',
    );
  }
  let body: Body;
  let sets: PlanSets;
  try {
    body = unpack(head.subarray(lineEnd + 1)) as Body;
    for (const instant of [body.plan.computedAt, body.plan.cutoff]) {
      if (Number.isNaN(Date.parse(instant))) throw new Error(`${String(instant)} is not an instant`);
    }
    const { user, host, tool } = body.plan.madeBy ?? {};
    if (![user, host, tool].every((field) => typeof field === 'string')) throw new Error('it does not say who made it');
    sets = emptySets();
    for (const { key, shape } of PHASE_SETS) sets[key] = restoreSet(body.sets[key], shape, sets);
  } catch (error) {
    throw refuse(`its content does not decode (${messageOf(error)})`);
  }
  const plan: Plan = { ...body.plan, sets };
  if (plan.hub.hubId !== check.hub.hubId) {
    throw refuse(
      `it was made on another hub (${plan.hub.label}, id ${plan.hub.hubId}); this is ${check.hub.label} (id ${check.hub.hubId})`,
    );
  }
  const ageSeconds = (Date.parse(check.now) - Date.parse(plan.computedAt)) / 1000;
  if (ageSeconds < -PLAN_CLOCK_SKEW_SECONDS) {
    throw refuse(
      `it is dated ${plan.computedAt}, ahead of this hub's clock (${check.now}) by more than ` +
        `${PLAN_CLOCK_SKEW_SECONDS}s of clock skew: a plan is never made in the future; ` +
        `plan ${repoName(plan.repo)} again`,
    );
  }
  if (ageSeconds > check.maxAgeSeconds) {
    throw refuse(
      `it was made ${formatGrace(Math.round(ageSeconds))} ago (${plan.computedAt}), longer than --max-plan-age ` +
        `${formatGrace(check.maxAgeSeconds)}: plan ${repoName(plan.repo)} again`,
    );
  }
  return plan;
}

function signatureOf(head: Uint8Array, key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(head).digest();
}

/** A set as the file holds it: inside the set the catalog says it (almost) lies in, as a bitmap over that one. */
function storeSet(sets: PlanSets, { key, within }: PhaseSet): StoredSet {
  const set = sets[key];
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
  outer.forEachKey(
    (bytes, at) => mark(members.indexOfKey(bytes, at) >= 0),
    (id) => mark(members.has(id)),
  );
  const extra = set.filterKeys(
    (bytes, at) => inOuter.indexOfKey(bytes, at) < 0,
    (id) => !inOuter.has(id),
  );
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
  outer.forEachKey(
    (bytes, at) => {
      if (marked()) set.pushPacked(bytes, at);
    },
    (id) => {
      if (marked()) set.push(id);
    },
  );
  const extra = IdList.decode(shape, stored.extra.packed, stored.extra.odd);
  extra.forEachKey(
    (bytes, at) => set.pushPacked(bytes, at),
    (id) => set.push(id),
  );
  return set;
}
