/**
 * Web UI sign-in: `POST /auth/signin` (public) trades a partner account's user name and password
 * for a bearer token the API accepts. Not a Partner Center route; the UI is its only caller.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiFault } from '../../schemas/common.js';
import { PartnerAccountService } from '../../services/partner-account-service.js';
import type { AppContext } from '../context.js';
import { sendJson } from '../reply.js';

const SignInBody = Type.Object(
  {
    userName: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
type SignInBody = Static<typeof SignInBody>;

const SignInResult = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds' }),
  expiresOn: Type.String({ description: 'UTC ISO-8601' }),
  partnerId: Type.String(),
  userName: Type.String(),
  roles: Type.Array(Type.String()),
});

export default async function signInRoutes(app: FastifyInstance, ctx: AppContext) {
  const accounts = new PartnerAccountService(ctx.store, ctx.clock);
  app.post<{ Body: SignInBody }>('/auth/signin', {
    schema: {
      tags: ['Web UI sign-in'],
      summary: 'Sign in with a partner account (web UI); returns a bearer token',
      security: [],
      body: SignInBody,
      response: { 200: SignInResult, 400: ApiFault, 401: ApiFault, 429: ApiFault },
    },
  }, async (request, reply) => {
    const result = await accounts.signIn(ctx.tokens, request.body.userName, request.body.password);
    reply.header('cache-control', 'no-store');
    return sendJson(reply, { status: 200, body: JSON.stringify(result) });
  });
}
