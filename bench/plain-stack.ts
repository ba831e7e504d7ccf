// The baseline of the `GET /me` figure: the same route as a competent developer would write it
// without miniauth, in its own process: fastify 5, jsonwebtoken's verify with the algorithm
// pinned, one prepared SELECT of the user by id through pg, a JSON answer of the same shape.
// Same PostgreSQL, same schema and users as the miniauth server it is compared with. The
// secret is a KeyObject made once: given as a string, as jsonwebtoken's README shows, every
// verify derives the key again and costs about four times the whole request (measured: 635 µs
// of CPU per request against 155 µs), which would make the figure flatter miniauth.

import Fastify from 'fastify';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { serveRequests } from './child.js';

const secret = process.env['JWT_SECRET'];
const databaseUrl = process.env['DATABASE_URL'];
const schema = process.env['BENCH_SCHEMA'];
if (!secret || !databaseUrl || !schema) throw new Error('plain-stack needs JWT_SECRET, DATABASE_URL and BENCH_SCHEMA');

const key = createSecretKey(Buffer.from(secret, 'utf8'));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, options: `-c search_path=${schema}` });

interface UserRow {
  id: string;
  nickname: string | null;
  avatar_url: string | null;
  phone: string | null;
  created_at: Date;
}

const maskPhone = (phone: string) => `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 7))}${phone.slice(-4)}`;

const app = Fastify({ logger: false });
app.get('/me', async (request, reply) => {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  let sub: string;
  try {
    sub = (jwt.verify(token, key, { algorithms: ['HS256'] }) as { sub: string }).sub;
  } catch {
    return reply.code(401).send({ code: -1, error: 'TOKEN_INVALID', message: 'Sign in again.' });
  }
  const { rows } = await pool.query<UserRow>({
    name: 'user_by_id',
    text: 'SELECT id, nickname, avatar_url, phone, created_at FROM users WHERE id = $1 AND erased_at IS NULL',
    values: [sub],
  });
  const user = rows[0];
  if (!user) return reply.code(401).send({ code: -1, error: 'TOKEN_REVOKED', message: 'Sign in again.' });
  return {
    code: 1,
    user: {
      id: user.id,
      nickname: user.nickname,
      avatarUrl: user.avatar_url,
      hasProfile: Boolean(user.nickname) && Boolean(user.avatar_url),
      phone: user.phone === null ? null : maskPhone(user.phone),
      createdAt: user.created_at.toISOString(),
    },
  };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });

serveRequests(
  async (message) => {
    if (message['type'] === 'url') return url;
    if (message['type'] === 'cpu') {
      const { user, system } = process.cpuUsage();
      return user + system;
    }
    throw new Error(`unknown request ${String(message['type'])}`);
  },
  async () => {
    await app.close();
    await pool.end();
  },
);
