// A real OpenID provider (the certified `oidc-provider` package) in a process of its own (it cannot
// run inside Jest's module realm). argv: JSON {port, clients}. An account's login name is its subject
// and carries its claims: `<name>.<base64url JSON {email, email_verified, given_name, family_name}>`.
import Provider from 'oidc-provider';

const { port, clients } = JSON.parse(process.argv[2]);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'name'] },
  pkce: { required: () => true },
  async findAccount(_ctx, accountId) {
    const dot = accountId.indexOf('.');
    if (dot < 1) return undefined;
    const claims = JSON.parse(Buffer.from(accountId.slice(dot + 1), 'base64url').toString('utf8'));
    return { accountId, claims: async () => ({ ...claims, sub: accountId }) };
  },
});
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
