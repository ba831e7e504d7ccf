// What must hold for every login, written from the scenarios of the design, the flows
// documented in docs/flows.md and WeChat's rules, not from the chart. docs/model-tests.md lists
// the same requirements with the properties that check each one.

export const REQUIREMENTS = {
  R1: 'One login at a time: several requests that find the login gone share one silent re-login (scenario 4; WeChat: parallel wx.login calls mix sessions up).',
  R2: "WeChat's call-frequency rule: wx.login at most 4 times a second per person, never in a tight loop.",
  R3: 'Failures (scenario 7): busy, network or server trouble back off; a rate limit waits as told; a bad or used code gets a fresh wx.login at once; automatic retries are bounded per login; when they are spent, or the person is risk-blocked, the login fails with a message and a blocked person is never retried; a submission that fails (profile, phone number, logging out everywhere) tells the person.',
  R4: 'Re-login is capped (scenario 4): past the cap the error reaches the callers, never a loop; a late "login gone" for a token already replaced is replayed, not a new login.',
  R5: 'Every request a page makes is settled exactly once: answered, replayed once with a new token, or rejected with a typed error (scenario 4).',
  R6: 'Tokens (HTTP contract, scenarios 4 and 9): a request made while signed in carries the token; no request carries a token after a logout, after logging out everywhere, or once the server refused it (revoked, expired, erased).',
  R7: 'A shared card (scenario 5): the page is followed exactly once, after the login and only then, with its query intact, in both modes and after a relaunch; in login-page mode nobody sees it before signing in.',
  R8: 'Consent (scenarios 1, 3, 6): a refused dialog sends nothing and keeps the silent session and the box; consent from the box is sent; a profile the server has is not asked for again.',
  R9: 'Double taps (scenario 8): taps while a login or a submission is in flight change nothing.',
  R10: 'Logout (scenario 9): a signed-out person stays signed out across relaunches, with nothing sent on their behalf, until they log in.',
  R11: 'Order rule for the legacy payload: no wx.login between obtaining encryptedData and sending it, nor while it is on its way.',
  R12: "Budgets renew when the docs say: each login run has its full automatic retries; re-logins are counted since the server last accepted the token, and start afresh on a launch, a person's login or retry, and a logout.",
  R13: 'Privacy consent (WeChat since 2023-10, scenario 10): phone binding and profile fill-in pass the privacy gate and the silent login never waits for it; a refusal sends nothing; the agree tap lets the held call go on exactly once, and a second tap does nothing.',
  R14: 'A data type missing from the privacy guide (errno 112) is a configuration failure: reported to the operator once per data type, explained on the page, and the person is never asked for it.',
} as const;

export type RequirementId = keyof typeof REQUIREMENTS;
