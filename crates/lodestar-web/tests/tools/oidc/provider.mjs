// A real OpenID provider for Lodestar's sign-in tests: `oidc-provider` over plain HTTP on
// 127.0.0.1, in memory, with one confidential client and a few accounts.
//
//   OIDC_CLIENT_ID=… OIDC_CLIENT_SECRET=… OIDC_REDIRECT_URI=… node provider.mjs
//
// Listens on a free port and prints its issuer (`http://127.0.0.1:<port>`) as the first
// line of standard output. The log-in step is `GET /interaction/<uid>?login=<account>`:
// it signs that account in and finishes the interaction (consent is granted to the one
// client), so a test follows redirects only. Without `login` it lists the accounts.

import http from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  alice: { email: 'Alice@Example.org', email_verified: true, name: 'Alice Example' },
  uma: { email: 'uma@example.org', email_verified: false, name: 'Uma Unverified' },
  nova: { email: 'nova@example.org', email_verified: true, name: 'Nova Newcomer' },
  sam: { email: 'sam@example.org', email_verified: true, name: 'Sam Suspended' },
  // No `name` claim: a new account is named after the e-mail's local part.
  quiet: { email: 'quiet.one@example.org', email_verified: true },
};

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} must be set`);
    process.exit(2);
  }
  return value;
};

const client = {
  client_id: required('OIDC_CLIENT_ID'),
  client_secret: required('OIDC_CLIENT_SECRET'),
  redirect_uris: [required('OIDC_REDIRECT_URI')],
  grant_types: ['authorization_code'],
  response_types: ['code'],
};

let handle = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = http.createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [client],
    cookies: { keys: ['lodestar-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    features: { devInteractions: { enabled: false } },
    async findAccount(_ctx, sub) {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, ...account };
        },
      };
    },
    // The one client is first-party: consent is granted without asking.
    async loadExistingGrant(ctx) {
      const { client: asking, session } = ctx.oidc;
      const existing = ctx.oidc.result?.consent?.grantId || session.grantIdFor(asking.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: asking.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      session.grantIdFor(asking.clientId, grant.jti);
      return grant;
    },
  });
  const callback = provider.callback();
  handle = async (req, res) => {
    const url = new URL(req.url, issuer);
    if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
      try {
        const login = url.searchParams.get('login');
        if (!login) {
          res.setHeader('content-type', 'text/html');
          res.end(`<ul>${Object.keys(ACCOUNTS).map((a) => `<li><a href="?login=${a}">${a}</a></li>`).join('')}</ul>`);
          return;
        }
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name !== 'login') {
          throw new Error(`unexpected prompt ${details.prompt.name}`);
        }
        if (!ACCOUNTS[login]) {
          res.statusCode = 404;
          res.end(`no account ${login}`);
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
      return;
    }
    callback(req, res);
  };
  process.stdout.write(`${issuer}\n`);
});

// Output the test no longer reads is dropped, not fatal.
process.stdout.on('error', () => {});

// The test kills the process; stdin closing (the test ended) stops it too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
