// An OpenID Connect provider on loopback for the sign-in tests (tests/accounts/), built on the
// certified `oidc-provider` package. Not for anything but tests: its sign-in page accepts any
// password for the accounts listed below, and its keys are made up at each start.
//
// Configured from one environment variable, OIDC_TEST_CONFIG (JSON):
//   {"port": 0, "client": {"client_id": "…", "client_secret": "…", "redirect_uris": ["…"]},
//    "accounts": {"amina": {"email": "…", "email_verified": true, "name": "…",
//                           "code_ttl": 60}}}
// `code_ttl` (seconds) lets a test make one account's authorization codes expire quickly.
// Prints "listening <issuer>" once it answers.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');
const accounts = config.accounts ?? {};
const port = Number(config.port ?? 0);

const configuration = {
  clients: [{
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...config.client,
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  cookies: { keys: ['oidc-test-provider-only'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    const { code_ttl: _ttl, ...claims } = account;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  // A first-party client: no consent page, every asked-for scope is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'given_name', 'family_name', 'preferred_username']);
    await grant.save();
    return grant;
  },
  ttl: {
    AuthorizationCode: (ctx, code) => accounts[code.accountId]?.code_ttl ?? 60,
    AccessToken: 600,
    IdToken: 600,
    Interaction: 600,
    Session: 600,
    Grant: 600,
  },
};

const server = (await import('node:http')).createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
