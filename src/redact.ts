/**
 * Credentials must never reach logs, the DB or any answer. Cameras put them in URLs
 * (rtsp://user:pass@host) and ffmpeg echoes those URLs in its error output, so every
 * text that leaves a probe passes through here.
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::[^\s/@]*)?@/gi;

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@');
}

/** Removes every occurrence of the given secrets, e.g. a password that a SOAP fault echoed. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrlCredentials(text);
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
