// The message endpoint WeChat pushes to (console: 开发管理 - 消息推送, data format JSON): GET is
// WeChat's check of the endpoint (echo `echostr`), POST a pushed event, here the verdict of an
// asynchronous content check. Both are signed in the query; anything else is refused with 4xx.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageEndpoint } from '../services/message-endpoint.js';
import * as wire from './schemas.js';

const signedQuery = z.object({
  signature: z.string().max(64).optional(),
  timestamp: z.string().max(16).optional(),
  nonce: z.string().max(64).optional(),
  // Present on pushes in safe mode; read nowhere (the JSON body is in clear text).
  openid: z.string().max(128).optional(),
  encrypt_type: z.string().max(16).optional(),
  msg_signature: z.string().max(64).optional(),
});

export const messageRoutes: FastifyPluginAsyncZod<{ messages: MessageEndpoint }> = async (app, { messages }) => {
  app.get('/wx/messages', {
    schema: {
      tags: ['wechat'],
      summary: "WeChat's check of the message endpoint",
      description: 'Answers echostr as text when signature = sha1(sort([token, timestamp, nonce]).join("")) verifies.',
      querystring: signedQuery.extend({ echostr: z.string().max(128).optional() }),
      response: { 200: z.string().describe('echostr'), ...wire.failures },
    },
  }, async (request, reply) => {
    const echoed = await messages.echo(request.query);
    return reply.type('text/plain; charset=utf-8').send(echoed);
  });

  app.post('/wx/messages', {
    schema: {
      tags: ['wechat'],
      summary: 'A message WeChat pushes: the verdict of an asynchronous content check',
      description: 'A wxa_media_check verdict for an avatar awaiting it: pass keeps it, risky removes it. Unsigned, wrongly signed, stale or replayed pushes change nothing.',
      querystring: signedQuery,
      body: z.record(z.string(), z.unknown()).describe('WeChat\'s JSON push, e.g. { Event: "wxa_media_check", appid, trace_id, result: { suggest, label } }'),
      response: { 200: z.string().describe('success'), ...wire.failures },
    },
  }, async (request, reply) => {
    await messages.receive(request.query, request.body);
    return reply.type('text/plain; charset=utf-8').send('success');
  });
};
