import { describe, expect, it } from '@jest/globals';
import { redactRequestForLog, redactUrl } from '../../src/common/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/health', '/api/v1/health'],
    ['/api/v1/user/me/email/status?passcode=123456', '/api/v1/user/me/email/status?passcode=[REDACTED]'],
    ['/api/v1/org/users?page=2&searchQuery=ada&flag', '/api/v1/org/users?page=[REDACTED]&searchQuery=[REDACTED]&flag'],
    ['/api/v1/x?a=1=2&&b=', '/api/v1/x?a=[REDACTED]&&b=[REDACTED]'],
    ['/api/v1/invite-links/Zm9vYmFy_-x', '/api/v1/invite-links/[REDACTED]'],
    ['/api/v1/INVITE-LINKS/abc?x=1', '/api/v1/INVITE-LINKS/[REDACTED]?x=[REDACTED]'],
    ['/api/v1/invite-links', '/api/v1/invite-links'],
    ['/api/v1/invite-links/', '/api/v1/invite-links/'],
    ['https://lightdash.example.com/invite/abc123/', 'https://lightdash.example.com/invite/[REDACTED]/'],
    ['https://lightdash.example.com/invite/abc123#top', 'https://lightdash.example.com/invite/[REDACTED]#top'],
    ['/api/v1/projects/p/spaces?page=1', '/api/v1/projects/p/spaces?page=[REDACTED]'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactRequestForLog', () => {
  it('redacts url, query, params and Referer without touching the live request headers', () => {
    const headers = { referer: 'http://site/invite/secret-code', host: 'site' };
    const serialized = redactRequestForLog({ url: '/a?passcode=1', query: { passcode: '1' }, params: { inviteCode: 'c' }, headers });
    expect(serialized).toEqual({
      url: '/a?passcode=[REDACTED]',
      query: { passcode: '[REDACTED]' },
      params: { inviteCode: '[REDACTED]' },
      headers: { referer: 'http://site/invite/[REDACTED]', host: 'site' },
    });
    expect(headers.referer).toBe('http://site/invite/secret-code');
  });
});
