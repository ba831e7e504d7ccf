// The secrets a reliability run uses, fresh for every run: a leak scan only means something
// when the strings it looks for cannot occur by chance (and are not those of another suite).

import { randomBytes } from 'node:crypto';
import type { SimApp } from '../../simulator/index.js';

export interface RunCredentials {
  app: SimApp;
  /** HS256 secret of the server processes (JWT_SECRET). */
  jwtSecret: string;
}

/** A WeChat app and a JWT secret nobody else has. */
export function freshCredentials(): RunCredentials {
  return {
    app: { appId: `wx${randomBytes(8).toString('hex')}`, secret: randomBytes(16).toString('hex') },
    jwtSecret: randomBytes(48).toString('base64url'),
  };
}
