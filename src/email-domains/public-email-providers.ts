/**
 * Free and public email providers: anyone can get an address there, so a domain from this list would
 * let strangers join the organization. Matched on the whole domain; yahoo and hotmail also on every
 * country variant (yahoo.co.uk, hotmail.fr…).
 */
const PUBLIC_EMAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'google.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'microsoft.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'protonmail.com',
  'protonmail.ch',
  'proton.me',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
  'tutanota.com',
  'fastmail.com',
]);

const PUBLIC_EMAIL_DOMAIN_FAMILIES = /^(yahoo|hotmail)\./;

export function isPublicEmailDomain(domain: string): boolean {
  return PUBLIC_EMAIL_DOMAINS.has(domain) || PUBLIC_EMAIL_DOMAIN_FAMILIES.test(domain);
}

/** "a is not allowed as organization email" / "a, b and c are not allowed as organization emails" (Lightdash's wording). */
export function publicEmailDomainsMessage(domains: readonly string[]): string {
  if (domains.length === 1) return `${domains[0]} is not allowed as organization email`;
  return `${domains.slice(0, -1).join(', ')} and ${domains[domains.length - 1]} are not allowed as organization emails`;
}
