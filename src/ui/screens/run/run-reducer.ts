/** A run's state (pure): the plan, each phase's progress and result, the prompt, the log. */
import type { CheckRecord } from '../../../gc/service.js';
import type { Decision, GcEvent, PhaseName, PhasePlan, PhaseResult, Plan, RunResult } from '../../../gc/types.js';
import { PHASES } from '../../../gc/phases/catalog.js';
import { describeResumed } from '../../../present/run.js';
import type { ScreenName } from '../../keymap.js';
import type { Note } from '../../notes.js';
import { editAnswer, EMPTY_ANSWER, type TypedAnswer } from '../../text-field/text-field-reducer.js';

export type PhaseStatus = 'waiting' | 'asking' | 'running' | PhaseResult['status'];

export interface PhaseRow {
  phase: PhaseName;
  plan: PhasePlan | undefined;
  status: PhaseStatus;
  done: number;
  total: number;
  /** Bytes freed so far. */
  bytes: number;
  /** Milliseconds (console clock) when the phase started and last reported. */
  startedAt: number;
  updatedAt: number;
  result: PhaseResult | undefined;
}

export interface Prompt {
  phase: PhaseName;
  /** The phase deletes blobs: the operator types the repo's slug. */
  slug: boolean;
  /** The slug as typed so far, and why the last Enter did not confirm it. */
  answer: TypedAnswer;
}

/** The repo's last recorded check (null when never checked), or why it could not be read. */
export type LastCheck = { record: CheckRecord | null } | { error: string };

export interface RunState {
  stage: 'planning' | 'running' | 'finished' | 'failed';
  /** Read before the run starts; null until then. */
  lastCheck: LastCheck | null;
  plan: Plan | null;
  phases: PhaseRow[];
  prompt: Prompt | null;
  /** The operator asked to stop once the running phase ends; never taken back, and no prompt shows after it. */
  stopAfterPhase: boolean;
  log: Note[];
  result: RunResult | null;
}

export type RunAction =
  | { type: 'last-check'; lastCheck: LastCheck }
  | { type: 'event'; event: GcEvent; at: number }
  | { type: 'ask'; phase: PhasePlan; slug: boolean }
  | { type: 'edit'; key: string }
  | { type: 'mismatch'; message: string }
  | { type: 'answered'; decision: Decision }
  | { type: 'stop-after-phase' }
  | { type: 'failed'; message: string };

export const INITIAL_RUN: RunState = {
  stage: 'planning',
  lastCheck: null,
  plan: null,
  phases: PHASES.map(({ name: phase }) => ({
    phase,
    plan: undefined,
    status: 'waiting',
    done: 0,
    total: 0,
    bytes: 0,
    startedAt: 0,
    updatedAt: 0,
    result: undefined,
  })),
  prompt: null,
  stopAfterPhase: false,
  log: [],
  result: null,
};

/** Whether the run has not ended: planning, asking, or deleting. */
export function isRunning(state: RunState): boolean {
  return state.stage === 'running' || state.stage === 'planning';
}

/** The keys a run answers to: a prompt's while one asks, then the run's, then the summary's. */
export function runKeyScreen(state: RunState): Extract<ScreenName, 'confirm' | 'confirm-slug' | 'run' | 'summary'> {
  if (state.prompt) return state.prompt.slug ? 'confirm-slug' : 'confirm';
  return isRunning(state) ? 'run' : 'summary';
}

function updatePhase(state: RunState, phase: PhaseName, change: Partial<PhaseRow>): RunState {
  return { ...state, phases: state.phases.map((row) => (row.phase === phase ? { ...row, ...change } : row)) };
}

function withPlan(state: RunState, plan: Plan): RunState {
  return {
    ...state,
    plan,
    phases: state.phases.map((row) => ({ ...row, plan: plan.phases.find((phase) => phase.phase === row.phase) })),
  };
}

function onEvent(state: RunState, event: GcEvent, at: number): RunState {
  switch (event.type) {
    case 'plan-ready':
      return { ...withPlan(state, event.plan), stage: 'running' };
    case 'journal-resumed':
      return {
        ...state,
        log: [
          ...state.log,
          { tone: 'warning', text: describeResumed(event) },
          ...event.errors.map((text) => ({ tone: 'error' as const, text })),
        ],
      };
    case 'confirm':
      return state;
    case 'phase-start':
      return updatePhase(state, event.phase, {
        status: 'running',
        total: event.total,
        done: 0,
        bytes: 0,
        startedAt: at,
        updatedAt: at,
      });
    case 'progress':
      return updatePhase(state, event.phase, {
        done: event.done,
        total: event.total,
        bytes: event.bytes,
        updatedAt: at,
      });
    case 'phase-done':
      return updatePhase(state, event.result.phase, {
        status: event.result.status,
        result: event.result,
        updatedAt: at,
      });
    case 'warning':
    case 'error':
      return {
        ...state,
        log: [
          ...state.log,
          { tone: event.type, text: event.phase ? `${event.phase}: ${event.message}` : event.message },
        ],
      };
    case 'run-done':
      return {
        ...state,
        stage: 'finished',
        prompt: null,
        result: event.result,
        phases: state.phases.map((row) => {
          const result = event.result.phases.find((phase) => phase.phase === row.phase);
          return result
            ? { ...row, status: result.status, result }
            : row.status === 'waiting'
              ? { ...row, status: 'not-run' }
              : row;
        }),
      };
  }
}

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'last-check':
      return { ...state, lastCheck: action.lastCheck };
    case 'event':
      return onEvent(state, action.event, action.at);
    case 'ask':
      // After a stop nothing is asked: a prompt then would delete on the next y.
      if (state.stopAfterPhase) return state;
      // Each prompt starts with nothing typed: text typed for one phase's slug never answers the next.
      return {
        ...updatePhase(state, action.phase.phase, { status: 'asking', plan: action.phase }),
        prompt: { phase: action.phase.phase, slug: action.slug, answer: EMPTY_ANSWER },
      };
    case 'edit':
      return state.prompt
        ? { ...state, prompt: { ...state.prompt, answer: editAnswer(state.prompt.answer, action.key) } }
        : state;
    case 'mismatch':
      return state.prompt
        ? { ...state, prompt: { ...state.prompt, answer: { ...state.prompt.answer, mismatch: action.message } } }
        : state;
    case 'answered': {
      if (!state.prompt) return state;
      const status: PhaseStatus =
        action.decision === 'go' ? 'waiting' : action.decision === 'skip' ? 'skipped' : 'not-run';
      return {
        ...updatePhase(state, state.prompt.phase, { status }),
        prompt: null,
        stopAfterPhase: state.stopAfterPhase || action.decision === 'stop',
      };
    }
    case 'stop-after-phase':
      return { ...state, stopAfterPhase: true };
    case 'failed':
      return { ...state, stage: 'failed', prompt: null, log: [...state.log, { tone: 'error', text: action.message }] };
  }
}
