import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';

/**
 * "After the API has answered" (results.md): work queued while a request is
 * handled (an event webhook) starts only once its answer is written, so it can
 * never delay it. Outside a request it starts on the next turn of the loop.
 */

/** The tasks waiting for one request's answer; `answered` once they were started. */
interface Answering {
  tasks: (() => void)[];
  answered: boolean;
}

const storage = new AsyncLocalStorage<Answering>();

/** Handle a request so that `afterAnswer` tasks queued meanwhile run when `res` has finished (or closed). */
export function runAnswering(res: ServerResponse, handle: () => void): void {
  const answering: Answering = { tasks: [], answered: false };
  const flush = (): void => {
    answering.answered = true;
    for (const task of answering.tasks.splice(0)) setImmediate(task);
  };
  res.once('finish', flush);
  res.once('close', flush);
  storage.run(answering, handle);
}

/** Run `task` after the current request's answer (soon, when it was already written or there is no request). */
export function afterAnswer(task: () => void): void {
  const answering = storage.getStore();
  if (answering && !answering.answered) answering.tasks.push(task);
  else setImmediate(task);
}
