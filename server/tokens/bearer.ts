// Where a client puts its token: `Authorization: Bearer <jwt>`, or, for older clients, a bare
// `token: <jwt>` header.

type Headers = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The token sent with a request, or undefined when there is none (an empty header included). */
export function tokenFromHeaders(headers: Headers): string | undefined {
  const authorization = first(headers['authorization'])?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match) return match[1];
  }
  // Older clients send `token: wx.getStorageSync('token')`, which is '' when nobody is logged in.
  const legacy = first(headers['token'])?.trim();
  return legacy ? legacy : undefined;
}
