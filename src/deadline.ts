/**
 * A deadline that holds whatever the work does with its signal. `AbortSignal.timeout` keeps its
 * signal only weakly, and Node's fetch (undici) follows a request's signal through weak references
 * too (nodejs/node#55428, undici#4068): once those are lost the abort never reaches the request.
 * In the fleet soak (2026-12-04) an image check of a hung camera took 301,836 ms against its
 * 5,000 ms deadline: undici's own 300 s header timeout ended it. Here a plain timer holds the
 * controller strongly, and the caller is answered at the deadline even if the work never settles.
 */
export async function withDeadline<T>(ms: number, outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>, expired: () => Error): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const ended = new Promise<never>((_, reject) => {
    const end = () => {
      const error = expired();
      controller.abort(error);
      reject(error);
    };
    timer = setTimeout(end, ms);
    onAbort = end;
    if (outer?.aborted) end();
    else outer?.addEventListener('abort', onAbort, { once: true });
  });
  const running = work(controller.signal);
  // Whichever loses the race must not surface as an unhandled rejection.
  running.catch(() => {});
  ended.catch(() => {});
  try {
    return await Promise.race([running, ended]);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
}
