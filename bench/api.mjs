// A tiny JSON client for the server under test (global fetch, keep-alive).

export class HttpError extends Error {
  constructor(what, res) {
    super(`${what} failed: ${res.status} ${JSON.stringify(res.body)?.slice(0, 400)}`);
    this.res = res;
  }
}

/** 404 produced by the router itself ("Cannot GET /api/v1/…"): the route does not exist in this build. */
export function isRouteMissing(res) {
  const message = res?.body?.error?.message ?? '';
  return res?.status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(message);
}

export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** auth: {cookie} or {token}; extra: more request headers; returns {status, body, headers} and never throws on a non-2xx. */
  async request(method, path, { auth, body, extra } = {}) {
    const headers = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth?.cookie) headers.cookie = auth.cookie;
    if (auth?.token) headers.authorization = `ApiKey ${auth.token}`;
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Like request(), but throws HttpError unless the status is 2xx. */
  async ok(what, method, path, options) {
    const res = await this.request(method, path, options);
    if (res.status < 200 || res.status > 299) throw new HttpError(what, res);
    return res;
  }
}

export function sessionCookie(headers) {
  const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie') ?? ''];
  const sid = all.find((c) => c.startsWith('connect.sid='));
  if (!sid) throw new Error(`no connect.sid cookie in ${JSON.stringify(all)}`);
  return sid.split(';')[0];
}
