/**
 * The demo hub: a dozen repos of musical projects that show every case GC must
 * get right (GC-RULES), identical on every build but for timestamps, which are
 * relative to the `now` it is built for.
 */
import { pack } from 'msgpackr';
import type { Database } from '../db/connect.js';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../storage/blob-store.js';
import { FileBlobStore } from '../storage/file-store.js';
import { locateBlob } from '../storage/keys.js';
import {
  forkChain,
  forcePushedHistory,
  growChain,
  type ChainCommit,
  type ChainSpec,
  type ChainState,
  emptyChain,
} from './history.js';
import { HubBuilder } from './hub-builder.js';
import { blobId, bytesFor, hexId } from './ids.js';
import { loadHub } from './load.js';
import type { HubRows } from './rows.js';

/** The notable repos of the demo hub by the case they show, as owner/slug. */
export const DEMO = {
  /** Force-pushed 65 minutes ago: a chain of 36 commits left behind, whose newest objects only it held. */
  forcePushed: 'lowend/blue-in-green',
  /** A fork of forcePushed made before the force push: its refs still hold the older part of the orphaned chain. */
  fork: 'keystrio/blue-in-green',
  /** Pins on forcePushed's abandoned history: a release on the orphaned chain, a wire tag on a deleted branch. */
  release: { repo: 'lowend/blue-in-green', tag: 'v1.0-rc' },
  wireTag: { repo: 'lowend/blue-in-green', tag: 'emotion:melancholy' },
  /** Two cache rows (forcePushed's expired one, fork's fresh one) naming one mpack. */
  sharedMpack: { expired: 'lowend/blue-in-green', fresh: 'keystrio/blue-in-green' },
  /** Object refs and objects of an upload that no snapshot names; an expired cache row. */
  abandonedUpload: 'bigband/caravan',
  /** Five branches, merges, and a push in flight: commits and objects 5 minutes old, no branch on them yet. */
  pushInFlight: 'tenor/giant-steps',
  /** Nothing to collect. */
  clean: 'piano/solar',
  /** The main branch's snapshot holds a torn manifest that does not decode; a deleted branch too. */
  corrupt: 'drums/moanin',
  /** A shallow push: the oldest commit's parent has no row. */
  shallow: 'vocal/round-midnight',
  /** Created, never pushed: a branch with no head. */
  empty: 'strings/adagio',
  /** A deleted branch whose commits and objects nothing else holds. */
  deletedBranch: 'guitar/spain',
  /** A release with no commit that keeps a snapshot of a deleted branch. */
  releaseSnapshotOnly: 'choir/miserere',
  /** A first push 10 minutes ago, still in flight: every row inside the grace period. */
  firstPush: 'brass/so-what',
  /** The longest history, with a wire tag on live history and a deleted branch. */
  long: 'synth/oxygene',
} as const;

const HOUR = 60;
const DAY = 24 * HOUR;

/** A blob no row names, as an upload that died after writing its blob leaves one: what the Storage view's sweep finds. */
export const DEMO_STRAY = {
  id: blobId('stray', 'an upload that died before its row'),
  size: 4096,
  ageDays: 2,
} as const;

/** Writes the demo hub's blobs to `store` and its rows to `db`'s (empty) MuseHub tables, and one stray blob. */
export async function seedDemoHub(db: Database, store: BlobStore, now = new Date()): Promise<void> {
  await loadHub(db, demoHubRows(now), store);
  await store.put({ id: DEMO_STRAY.id }, bytesFor(DEMO_STRAY.id, DEMO_STRAY.size));
  // Older than a sweep's grace (a day), where the store lets its age be set: the demo's is a directory.
  if (store instanceof FileBlobStore) {
    const at = new Date(now.getTime() - DEMO_STRAY.ageDays * 86_400_000);
    await utimes(join(store.root, locateBlob({ id: DEMO_STRAY.id }, 'file').key), at, at);
  }
}

/** The demo hub's rows and blobs, as built for `now`. */
export function demoHubRows(now: Date): HubRows {
  const b = new HubBuilder(now);
  blueInGreen(b);
  caravan(b);
  giantSteps(b);
  solar(b);
  moanin(b);
  roundMidnight(b);
  adagio(b);
  spain(b);
  miserere(b);
  soWhat(b);
  oxygene(b);
  return b.drain();
}

/** The i-th of `count` instants spread evenly from `fromAgo` to `toAgo` minutes before now. */
function spread(b: HubBuilder, fromAgo: number, toAgo: number, count: number): (i: number) => Date {
  return (i) => b.ago(count > 1 ? fromAgo - ((fromAgo - toAgo) * i) / (count - 1) : toAgo);
}

type Style = Omit<ChainSpec, 'repoId' | 'name' | 'count' | 'at'>;

/** Grows a chain and returns its commits. */
function grow(b: HubBuilder, spec: ChainSpec, state: ChainState): ChainCommit[] {
  return [...growChain(b, spec, state)];
}

function mainline(commits: ChainCommit[]): ChainCommit[] {
  return commits.filter((commit) => commit.kind !== 'side');
}

function repo(b: HubBuilder, name: string, title: string, createdAgo: number, pushedAgo: number | null): string {
  const [owner, slug] = name.split('/') as [string, string];
  return b.repo(owner, slug, title, b.ago(createdAgo), pushedAgo === null ? null : b.ago(pushedAgo));
}

const BLUE_STYLE: Style = {
  paths: [
    'bass/line.wav',
    'bass/line.mid',
    'piano/comping.mid',
    'piano/voicings.abc',
    'drums/brushes.wav',
    'score/lead-sheet.abc',
    'mix/rough.wav',
    'notes/changes.md',
  ],
  snapshotEvery: 2,
  churn: 3,
  mergeEvery: 5,
  messages: [
    'Initial session',
    'Bass line',
    'Piano comping',
    'Tempo map',
    'Bridge voicings',
    'Brushes on the head',
    'Rough mix',
    'Fix bar 12 changes',
    'Double the walking line',
    'Modal turnaround',
  ],
  authors: ['lowend', 'keystrio'],
};

function blueInGreen(b: HubBuilder): void {
  const repoId = repo(b, DEMO.forcePushed, 'Blue in Green', 10 * DAY, 65);
  const times = [spread(b, 9 * DAY, 3 * DAY, 15), spread(b, 3 * DAY, 20 * HOUR, 36), spread(b, 80, 65, 6)];
  const history = forcePushedHistory(b, {
    ...BLUE_STYLE,
    repoId,
    name: 'blue-in-green',
    base: 15,
    orphaned: 36,
    rewritten: 6,
    at: (n) => (n < 15 ? times[0]!(n) : n < 51 ? times[1]!(n - 15) : times[2]!(n - 51)),
  });
  const commits: Array<ChainCommit & { part: string }> = [];
  let step = history.next();
  for (; !step.done; step = history.next()) commits.push({ ...step.value, state: forkChain(step.value.state) });
  const base = commits.filter((c) => c.part === 'base');
  const orphaned = commits.filter((c) => c.part === 'orphaned');
  const baseTip = base.at(-1)!;

  b.branch(repoId, 'main', step.value.head);
  b.branch(repoId, 'bridge', base.find((c) => c.kind === 'side')!.commitId);
  b.branch(repoId, 'tempo', mainline(base)[4]!.commitId);
  const candidate = mainline(orphaned)[8]!;
  b.release(
    repoId,
    DEMO.release.tag,
    'Piano comping, release candidate',
    candidate.commitId,
    candidate.snapshotId,
    b.ago(2 * DAY),
  );
  const early = mainline(base)[5]!;
  b.release(repoId, 'v0.9', 'First full take', early.commitId, early.snapshotId, b.ago(5 * DAY));

  // A branch deleted since: only the wire tag on its tip still reaches it.
  const solo = grow(
    b,
    {
      ...BLUE_STYLE,
      repoId,
      name: 'blue-in-green/solo',
      count: 3,
      paths: ['bass/solo.wav', 'notes/solo-ideas.md'],
      mergeEvery: 0,
      messages: ['Solo idea', 'Solo, longer'],
      at: spread(b, 4 * DAY, 4 * DAY - 90, 3),
    },
    forkChain(baseTip.state),
  );
  b.wireTag(repoId, DEMO.wireTag.tag, solo.at(-1)!.commitId, b.ago(4 * DAY - 80));

  const forkId = keystrioFork(b, base, mainline(orphaned)[18]!, orphaned);

  const shared = b.mpack('blue-in-green/want-main-before-force-push');
  b.cache(repoId, 'main@before-force-push', b.mpack('blue-in-green/want-v0.9'), b.ago(2 * DAY), b.ago(DAY));
  b.cache(repoId, 'main@old-head', shared, b.ago(26 * HOUR), b.ago(2 * HOUR));
  b.cache(repoId, 'main@new-head', b.mpack('blue-in-green/want-main'), b.ago(30), b.ago(-23 * HOUR));
  b.cache(forkId, 'main@old-head', shared, b.ago(20), b.ago(-20 * HOUR));
}

/** The fork, made from blue-in-green before its force push: it holds base and the old chain up to `head`. */
function keystrioFork(b: HubBuilder, base: ChainCommit[], head: ChainCommit, orphaned: ChainCommit[]): string {
  const forkedAt = 2 * DAY - 30;
  const repoId = repo(b, DEMO.fork, 'Blue in Green (trio arrangement)', forkedAt, 20 * HOUR);
  const held = [...base, ...orphaned.filter((c) => c.index <= head.index)];
  b.holdCommits(
    repoId,
    held.map((c) => c.commitId),
    b.ago(forkedAt),
  );
  b.holdObjects(
    repoId,
    held.flatMap((c) => c.newObjects),
    b.ago(forkedAt),
  );
  const own = grow(
    b,
    {
      ...BLUE_STYLE,
      repoId,
      name: 'keystrio-blue-in-green',
      count: 3,
      mergeEvery: 0,
      messages: ['Trio voicings', 'Reharmonise the last A', 'Trio mix'],
      authors: ['keystrio'],
      at: spread(b, DAY + 2 * HOUR, 20 * HOUR, 3),
    },
    forkChain(head.state),
  );
  b.branch(repoId, 'main', own.at(-1)!.commitId);
  b.branch(repoId, 'comping', head.commitId);
  return repoId;
}

function caravan(b: HubBuilder): void {
  const repoId = repo(b, DEMO.abandonedUpload, 'Caravan (big band chart)', 15 * DAY, 2 * DAY);
  const commits = grow(
    b,
    {
      repoId,
      name: 'caravan',
      count: 30,
      at: spread(b, 14 * DAY, 2 * DAY, 30),
      paths: [
        'score/full-score.abc',
        'parts/trumpet-1.abc',
        'parts/trombone.abc',
        'parts/saxes.abc',
        'rhythm/drums.wav',
        'rhythm/bass.wav',
        'mix/stems.wav',
      ],
      snapshotEvery: 3,
      churn: 2,
      mergeEvery: 6,
      authors: ['bigband', 'tenor'],
      messages: [
        'Intro vamp',
        'Shout chorus',
        'Sax soli',
        'Trumpet voicings',
        'Drum break',
        'Latin feel',
        'Fix the B section',
      ],
    },
    emptyChain(),
  );
  b.branch(repoId, 'main', mainline(commits).at(-1)!.commitId);
  b.branch(repoId, 'shout-chorus', commits.filter((c) => c.kind === 'side').at(-1)!.commitId);
  // An upload that stopped after its objects: no commit or snapshot ever named them.
  for (const path of ['parts/trumpet-2.abc', 'rhythm/conga.wav', 'mix/stems-v2.wav', 'notes/arranger.md']) {
    b.object(repoId, `caravan/abandoned-upload/${path}`, b.ago(2 * DAY - 10));
  }
  b.cache(repoId, 'main@last-week', b.mpack('caravan/want-main-last-week'), b.ago(7 * DAY), b.ago(6 * DAY));
}

function giantSteps(b: HubBuilder): void {
  const repoId = repo(b, DEMO.pushInFlight, 'Giant Steps', 30 * DAY, 5 * HOUR);
  const style: Omit<ChainSpec, 'count' | 'at'> = {
    repoId,
    name: 'giant-steps',
    paths: [
      'sax/head.wav',
      'sax/solo.mid',
      'piano/changes.abc',
      'bass/walking.wav',
      'drums/ride.wav',
      'score/changes.md',
    ],
    snapshotEvery: 2,
    churn: 2,
    mergeEvery: 4,
    authors: ['tenor', 'keystrio'],
    messages: [
      'Coltrane changes',
      'Head at 286 bpm',
      'Ballad tempo',
      'Solo transcription',
      'Reharm the bridge',
      'Slow practice take',
    ],
  };
  const state = emptyChain();
  const commits = grow(b, { ...style, count: 40, at: spread(b, 28 * DAY, 5 * HOUR, 40) }, state);
  const sides = commits.filter((c) => c.kind === 'side');
  b.branch(repoId, 'main', state.tip);
  ['coltrane-changes', 'ballad-tempo', 'solo-transcription', 'bridge-reharm'].forEach((name, i) => {
    b.branch(repoId, name, sides[i * 2]!.commitId);
  });
  // A push still under way: its commits and objects are in, the branch is not moved yet.
  grow(b, { ...style, name: 'giant-steps/in-flight', count: 2, mergeEvery: 0, at: spread(b, 6, 5, 2) }, state);
}

function solar(b: HubBuilder): void {
  const repoId = repo(b, DEMO.clean, 'Solar', 21 * DAY, 3 * DAY);
  const state = emptyChain();
  grow(
    b,
    {
      repoId,
      name: 'solar',
      count: 12,
      at: spread(b, 20 * DAY, 3 * DAY, 12),
      paths: ['piano/solo.wav', 'piano/solo.mid', 'score/lead-sheet.abc', 'notes/practice-log.md'],
      snapshotEvery: 2,
      churn: 1,
      mergeEvery: 0,
      authors: ['piano'],
      messages: ['Solar, first pass', 'Left-hand shells', 'Slower tempo', 'Add the coda'],
    },
    state,
  );
  b.branch(repoId, 'main', state.tip);
  b.cache(repoId, 'main@head', b.mpack('solar/want-main'), b.ago(HOUR * 2), b.ago(-22 * HOUR));
}

function moanin(b: HubBuilder): void {
  const repoId = repo(b, DEMO.corrupt, "Moanin'", 12 * DAY, 4 * DAY);
  const style: Omit<ChainSpec, 'count' | 'at' | 'name'> = {
    repoId,
    paths: ['drums/kit.wav', 'drums/fills.mid', 'piano/call.abc', 'horns/response.abc'],
    snapshotEvery: 2,
    churn: 2,
    mergeEvery: 0,
    authors: ['drums', 'bigband'],
    messages: ['Call and response', 'Shuffle groove', 'Drum fills', 'Horn hits'],
  };
  const state = emptyChain();
  const commits = grow(b, { ...style, name: 'moanin', count: 10, at: spread(b, 11 * DAY, 4 * DAY + HOUR, 10) }, state);
  grow(
    b,
    {
      ...style,
      name: 'moanin/double-time',
      count: 3,
      paths: ['drums/double-time.wav'],
      at: spread(b, 5 * DAY, 5 * DAY - 60, 3),
    },
    forkChain(commits[6]!.state),
  );
  // A torn write: the head's manifest lost its second half.
  const whole = pack({ ...state.files, 'mix/final.wav': b.object(repoId, 'moanin/final-mix', b.ago(4 * DAY)) });
  const torn = b.rawSnapshot('moanin/torn', whole.subarray(0, Math.floor(whole.length / 2)), b.ago(4 * DAY));
  const head = b.commit(repoId, 'moanin/final', {
    parents: [state.tip!],
    message: 'Final mix',
    author: 'drums',
    at: b.ago(4 * DAY),
    snapshotId: torn,
  });
  b.branch(repoId, 'main', head);
  b.object(repoId, 'moanin/abandoned-upload/overdub.wav', b.ago(3 * DAY));
}

function roundMidnight(b: HubBuilder): void {
  const repoId = repo(b, DEMO.shallow, "'Round Midnight", 8 * DAY, 6 * DAY);
  // Pushed shallow: the first commit here names a parent that was never uploaded.
  const state: ChainState = { ...emptyChain(), tip: hexId('commit', 'round-midnight/before-the-shallow-clone') };
  grow(
    b,
    {
      repoId,
      name: 'round-midnight',
      count: 8,
      at: spread(b, 7 * DAY, 6 * DAY, 8),
      paths: ['vocal/lead.wav', 'piano/intro.mid', 'score/lead-sheet.abc'],
      snapshotEvery: 2,
      churn: 1,
      mergeEvery: 0,
      authors: ['vocal', 'piano'],
      messages: ['Intro rubato', 'Vocal take', 'Piano fill', 'Ending vamp'],
    },
    state,
  );
  b.branch(repoId, 'main', state.tip);
}

function adagio(b: HubBuilder): void {
  const repoId = repo(b, DEMO.empty, 'Adagio for Strings', 2 * HOUR, null);
  b.branch(repoId, 'main', null);
}

function spain(b: HubBuilder): void {
  const repoId = repo(b, DEMO.deletedBranch, 'Spain', 20 * DAY, 2 * DAY);
  const style: Omit<ChainSpec, 'count' | 'at' | 'name'> = {
    repoId,
    paths: ['guitar/rhythm.wav', 'guitar/melody.mid', 'keys/rhodes.wav', 'score/chart.abc', 'percussion/palmas.wav'],
    snapshotEvery: 2,
    churn: 2,
    mergeEvery: 0,
    authors: ['guitar', 'keystrio'],
    messages: ['Concierto intro', 'Samba groove', 'Rhodes comping', 'Guitar melody', 'Palmas overdub'],
  };
  const state = emptyChain();
  const commits = grow(b, { ...style, name: 'spain', count: 14, at: spread(b, 19 * DAY, 2 * DAY, 14) }, state);
  b.branch(repoId, 'main', state.tip);
  grow(
    b,
    {
      ...style,
      name: 'spain/flamenco-intro',
      count: 4,
      messages: ['Flamenco intro', 'Rasgueado'],
      at: spread(b, 9 * DAY, 8 * DAY, 4),
    },
    forkChain(commits[8]!.state),
  );
}

function miserere(b: HubBuilder): void {
  const repoId = repo(b, DEMO.releaseSnapshotOnly, 'Miserere', 40 * DAY, 10 * DAY);
  const style: Omit<ChainSpec, 'count' | 'at' | 'name'> = {
    repoId,
    paths: ['choir/soprano.wav', 'choir/alto.wav', 'choir/tenor.wav', 'choir/bass.wav', 'score/allegri.abc'],
    snapshotEvery: 3,
    churn: 2,
    mergeEvery: 0,
    authors: ['choir'],
    messages: ['Plainchant verses', 'Five-part choir', 'Four-part choir', 'The high C', 'Balance the quartet'],
  };
  const state = emptyChain();
  const commits = grow(b, { ...style, name: 'miserere', count: 16, at: spread(b, 38 * DAY, 10 * DAY, 16) }, state);
  b.branch(repoId, 'main', state.tip);
  b.release(repoId, 'v1', 'Miserere, studio', state.tip, state.snapshotId, b.ago(10 * DAY));
  const rehearsal = grow(
    b,
    {
      ...style,
      name: 'miserere/rehearsal',
      count: 3,
      messages: ["Rehearsal at St Paul's"],
      at: spread(b, 20 * DAY, 19 * DAY, 3),
    },
    forkChain(commits[9]!.state),
  );
  b.release(
    repoId,
    'live-at-st-pauls',
    "Live at St Paul's (snapshot only)",
    null,
    rehearsal.at(-1)!.snapshotId,
    b.ago(19 * DAY),
  );
}

function soWhat(b: HubBuilder): void {
  const repoId = repo(b, DEMO.firstPush, 'So What', 15, null);
  // Branch first, commits after: the push has not set the head yet.
  b.branch(repoId, 'main', null);
  grow(
    b,
    {
      repoId,
      name: 'so-what',
      count: 3,
      at: spread(b, 12, 10, 3),
      paths: ['trumpet/head.wav', 'bass/intro.wav', 'score/modal.abc'],
      snapshotEvery: 1,
      churn: 1,
      mergeEvery: 0,
      authors: ['brass'],
      messages: ['Bass intro', 'Trumpet head', 'Dorian vamp'],
    },
    emptyChain(),
  );
}

function oxygene(b: HubBuilder): void {
  const repoId = repo(b, DEMO.long, 'Oxygène', 60 * DAY, DAY);
  const style: Omit<ChainSpec, 'count' | 'at' | 'name'> = {
    repoId,
    paths: [
      'synth/pad.wav',
      'synth/arp.mid',
      'synth/lead.wav',
      'drums/rhythm-box.wav',
      'fx/wind.wav',
      'mix/master.wav',
      'notes/patches.md',
    ],
    snapshotEvery: 2,
    churn: 2,
    mergeEvery: 7,
    authors: ['synth', 'lowend'],
    messages: ['Pad sweep', 'Arpeggio', 'Wind noise', 'Lead melody', 'Rhythm box', 'Master bus', 'Phaser on the pad'],
  };
  const state = emptyChain();
  const commits = grow(b, { ...style, name: 'oxygene', count: 60, at: spread(b, 58 * DAY, DAY, 60) }, state);
  b.branch(repoId, 'main', state.tip);
  b.branch(repoId, 'arp-variations', commits.filter((c) => c.kind === 'side').at(-1)!.commitId);
  b.wireTag(repoId, 'v1.0-wip', mainline(commits)[30]!.commitId, b.ago(30 * DAY));
  grow(
    b,
    {
      ...style,
      name: 'oxygene/arp-experiment',
      count: 5,
      mergeEvery: 0,
      messages: ['Arp experiment'],
      at: spread(b, 7 * DAY, 6 * DAY, 5),
    },
    forkChain(commits[40]!.state),
  );
}
