// Autosave of a quiz attempt's answers. Every change is kept in sessionStorage (keyed by the
// attempt) at once and sent to the server after a short pause. What the server has not confirmed
// stays stored: a lost connection is retried with backoff (the student is told), a 429 waits for
// its Retry-After, and an expired session keeps the answers until the student signs in again,
// when they are sent.
import { api, ApiProblem } from '../lib/api.js';

/** @typedef {Record<string, unknown>} Responses question id -> response body */

const PREFIX = 'caravan.student.answers.';

/** @param {string} attemptId */
export function loadPending(attemptId) {
  try {
    const raw = sessionStorage.getItem(PREFIX + attemptId);
    const parsed = raw ? JSON.parse(raw) : {};
    return /** @type {Responses} */ (parsed && typeof parsed === 'object' ? parsed : {});
  } catch {
    return /** @type {Responses} */ ({});
  }
}

/** @param {string} attemptId @param {Responses} pending */
function storePending(attemptId, pending) {
  try {
    if (Object.keys(pending).length === 0) sessionStorage.removeItem(PREFIX + attemptId);
    else sessionStorage.setItem(PREFIX + attemptId, JSON.stringify(pending));
  } catch {
    // Storage full or disabled: the answers stay in memory.
  }
}

/** @param {string} attemptId */
export function clearPending(attemptId) {
  try {
    sessionStorage.removeItem(PREFIX + attemptId);
  } catch {
    // nothing stored
  }
}

/**
 * @typedef {{ state: 'saved' | 'pending' | 'saving' | 'retrying' | 'waiting' | 'session' | 'closed' | 'invalid' | 'error',
 *   problem?: ApiProblem, retryIn?: number, savedAt?: Date, failures?: number,
 *   invalid?: Record<string, string> }} SaveStatus
 * `invalid`: question id -> the server's message, for responses a 422 refused.
 */

/**
 * Maps a 422's `answers[i]...` field errors to the question ids sent in that request.
 * @param {ApiProblem | null | undefined} problem
 * @param {string[]} sent question ids in the order sent
 * @returns {Record<string, string>}
 */
export function errorsByQuestion(problem, sent) {
  /** @type {Record<string, string>} */
  const out = {};
  if (!problem) return out;
  for (const [field, message] of Object.entries(problem.fieldErrors())) {
    const m = /^answers\[(\d+)\]/.exec(field);
    const id = m ? sent[Number(m[1])] : undefined;
    if (id && !out[id]) out[id] = message;
  }
  return out;
}

export class Autosaver {
  /**
   * @param {string} attemptId
   * @param {(status: SaveStatus) => void} onStatus
   * @param {{ debounceMs?: number, maxBackoffMs?: number }} [options]
   */
  constructor(attemptId, onStatus, options = {}) {
    this.attemptId = attemptId;
    this.onStatus = onStatus;
    this.debounceMs = options.debounceMs ?? 800;
    this.maxBackoffMs = options.maxBackoffMs ?? 30000;
    /** @type {Responses} */
    this.pending = loadPending(attemptId);
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {Promise<void> | null} */
    this.inflight = null;
    this.again = false;
    this.failures = 0;
    this.stopped = false;
    /** @type {string[]} question ids of the last request, in order (to place 422 field errors) */
    this.lastSent = [];
    this.online = () => {
      if (this.failures > 0) this.flush();
    };
    window.addEventListener('online', this.online);
  }

  hasPending() {
    return Object.keys(this.pending).length > 0;
  }

  /**
   * Records a changed response and schedules a save.
   * @param {string} questionId
   * @param {unknown} response
   */
  change(questionId, response) {
    this.pending[questionId] = response;
    storePending(this.attemptId, this.pending);
    if (this.failures === 0) {
      this.onStatus({ state: 'pending' });
      this.schedule(this.debounceMs);
    }
  }

  /** @param {number} ms */
  schedule(ms) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  /** Sends what is pending now. */
  flush() {
    if (this.stopped) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = this.send().finally(() => {
      this.inflight = null;
      if (this.again) {
        this.again = false;
        if (this.hasPending() && this.failures === 0) this.schedule(0);
      }
    });
    return this.inflight;
  }

  async send() {
    const sent = { ...this.pending };
    const ids = Object.keys(sent);
    if (ids.length === 0) {
      this.onStatus({ state: 'saved', savedAt: new Date() });
      return;
    }
    this.lastSent = ids;
    this.onStatus({ state: 'saving', failures: this.failures });
    try {
      await api.put(`/attempts/${this.attemptId}/answers`, {
        answers: ids.map((question_id) => ({ question_id, response: sent[question_id] })),
      });
      for (const id of ids) {
        if (this.pending[id] === sent[id]) delete this.pending[id];
      }
      storePending(this.attemptId, this.pending);
      this.failures = 0;
      this.onStatus({ state: 'saved', savedAt: new Date() });
      if (this.hasPending()) this.schedule(this.debounceMs);
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      this.failed(e, sent);
    }
  }

  /** @param {ApiProblem} e @param {Responses} sent */
  failed(e, sent) {
    if (e.offline || e.status === 0 || e.status >= 500) {
      const delay = Math.min(this.maxBackoffMs, 1000 * 2 ** this.failures);
      this.failures += 1;
      this.onStatus({ state: 'retrying', problem: e, retryIn: Math.round(delay / 1000), failures: this.failures });
      this.schedule(delay);
    } else if (e.status === 429) {
      const seconds = e.retryAfter ?? 5;
      this.failures += 1;
      this.onStatus({ state: 'waiting', problem: e, retryIn: seconds, failures: this.failures });
      this.schedule(seconds * 1000);
    } else if (e.status === 401) {
      // The session is gone: the answers stay stored until the student signs in again.
      this.failures += 1;
      this.onStatus({ state: 'session', problem: e, failures: this.failures });
    } else if (e.status === 409) {
      this.failures += 1;
      this.onStatus({ state: 'closed', problem: e });
    } else if (e.status === 422 || e.status === 400) {
      // A response the server refuses (e.g. a number it cannot read) is shown beside its
      // question and left out, so the other answers are still saved; changing it sends it again.
      this.failures = 0;
      const invalid = errorsByQuestion(e, this.lastSent);
      for (const id of Object.keys(invalid)) {
        if (this.pending[id] === sent[id]) delete this.pending[id];
      }
      storePending(this.attemptId, this.pending);
      this.onStatus({ state: 'invalid', problem: e, invalid });
      if (Object.keys(invalid).length > 0 && this.hasPending()) this.schedule(0);
    } else {
      this.failures += 1;
      this.onStatus({ state: 'error', problem: e, failures: this.failures });
    }
  }

  /** Try again now (after signing in, or when the student asks). */
  retry() {
    this.failures = 0;
    return this.flush();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    window.removeEventListener('online', this.online);
  }
}
