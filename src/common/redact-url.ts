export const REDACTED = '[REDACTED]';

// Path segments that are secrets: the invite code of `GET /invite-links/{code}` and of the invite URL
// (`/invite/{code}`) emailed to invitees, which reaches logs as a request's Referer.
const SECRET_PATH_SEGMENT = /(\/invite(?:-links)?\/)[^/?#]+/gi;

/**
 * A URL (a path with its query, or an absolute URL) fit for a log line: every query value and every
 * invite code replaced by `[REDACTED]`, the query keys kept (`?passcode=[REDACTED]&page=[REDACTED]`).
 * Query values are redacted whatever their key, so a new route taking a secret in its query string
 * cannot leak it.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = (queryStart === -1 ? url : url.slice(0, queryStart)).replace(SECRET_PATH_SEGMENT, `$1${REDACTED}`);
  if (queryStart === -1) return path;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=${REDACTED}` : pair))
    .join('&');
  return `${path}?${query}`;
}

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  params?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * pino's request serializer (applied after the standard one, whose output is a fresh object per log
 * line, though its `headers` and `query` are the live request's): the URL, query values, path
 * parameters and Referer redacted.
 */
export function redactRequestForLog<T extends SerializedRequest>(req: T): T {
  if (typeof req.url === 'string') req.url = redactUrl(req.url);
  for (const key of ['query', 'params'] as const) {
    const values = req[key];
    if (values && typeof values === 'object') req[key] = Object.fromEntries(Object.keys(values).map((name) => [name, REDACTED]));
  }
  const referer = req.headers?.referer;
  if (typeof referer === 'string') req.headers = { ...req.headers, referer: redactUrl(referer) };
  return req;
}
