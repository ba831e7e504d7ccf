// The playground's HTML: plain markup and CSS, the statechart SVG inlined (so the script can
// light its state nodes), and the few facts the script needs as JSON. No framework.

export interface PageFacts {
  /** The mini program the simulated phone is (the first configured app). */
  appId: string;
  /** Where the phone's `wx` runtime reaches the simulator: this server's proxy path. */
  simulatorPath: string;
  /** The token lifetime, for the "days pass" control. */
  tokenTtlSeconds: number;
}

function escapeJsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #0f172a; background: #f1f5f9; }
header { padding: 10px 16px; background: #0f172a; color: #e2e8f0; display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 16px; margin: 0; color: #fff; }
header p { margin: 0; color: #94a3b8; }
main { display: grid; grid-template-columns: 290px minmax(0, 1fr) 380px; gap: 10px; padding: 10px; height: calc(100vh - 42px); }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 10px; }
.column { display: flex; flex-direction: column; gap: 10px; min-height: 0; overflow: auto; }
h2 { font-size: 11px; letter-spacing: .06em; text-transform: uppercase; color: #64748b; margin: 0 0 6px; }
button { font: inherit; padding: 4px 8px; margin: 0 4px 4px 0; border: 1px solid #cbd5e1; border-radius: 6px; background: #f8fafc; cursor: pointer; }
button:hover { background: #e2e8f0; }
button.scenario { display: block; width: 100%; text-align: left; margin: 0 0 4px; }
button.scenario.playing { background: #fef3c7; border-color: #f59e0b; font-weight: 600; }
label { display: block; margin: 2px 0; }
select { font: inherit; }
#story { background: #fffbeb; border-color: #fde68a; }
#story h3 { margin: 0 0 4px; font-size: 14px; }
#story p { margin: 2px 0; }
#chart-panel { display: flex; flex-direction: column; min-height: 0; }
#state-line { font: 600 15px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; margin-bottom: 6px; }
#state-line .tags { font-weight: 400; color: #64748b; font-size: 12px; }
#chart { flex: 1; overflow: auto; border: 1px solid #e2e8f0; border-radius: 6px; background: #fff; }
#chart svg { display: block; }
#chart g.node.lit path, #chart g.node.lit polygon, #chart g.node.lit ellipse { fill: #fde047; stroke: #b45309; stroke-width: 3px; }
#chart g.cluster.lit > path, #chart g.cluster.lit > polygon { fill: #fefce8; stroke: #d97706; stroke-width: 2.5px; }
ol, ul { margin: 0; padding-left: 18px; }
.mono, #log, #server-events, #stack, #token, #answer { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
#log { list-style: none; padding: 0; max-height: 34vh; overflow: auto; }
#log li { padding: 2px 0; border-bottom: 1px dotted #e2e8f0; word-break: break-all; }
#log .type { font-weight: 600; color: #1d4ed8; }
#log .to { color: #15803d; }
#log .payload { color: #475569; }
#server-events { list-style: none; padding: 0; max-height: 24vh; overflow: auto; }
#server-events li { padding: 2px 0; border-bottom: 1px dotted #e2e8f0; }
#server-events .type { font-weight: 600; color: #7c3aed; }
#server-events .failed .type { color: #b91c1c; }
#stack li.top { font-weight: 600; }
.muted { color: #94a3b8; }
#screen .toast { display: inline-block; background: #334155; color: #fff; border-radius: 6px; padding: 2px 8px; }
`;

export function playgroundPage(facts: PageFacts, chartSvg: string | null): string {
  const chart = chartSvg ?? '<p class="muted">docs/diagrams/machine.svg is missing: run <code>npm run docs</code>.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>miniauth playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>miniauth playground</h1>
  <p>The real login machine and SDK in your browser, on a simulated phone, against this server and its WeChat simulator.</p>
</header>
<main>
  <div class="column">
    <section id="scenarios"><h2>Scenarios</h2></section>
    <section id="person">
      <h2>The person taps</h2>
      <button data-action="shareProfile">Share my profile</button>
      <button data-action="fillInProfile">Fill in name and avatar</button>
      <button data-action="decline">Not now</button>
      <button data-action="bindPhone">Bind phone</button>
      <button data-action="agreePrivacy">Privacy popup: Agree</button>
      <button data-action="refusePrivacy">Privacy popup: Not now</button>
      <button data-action="callMe">Call GET /me</button>
      <button data-action="retry">Retry</button>
      <button data-action="login">Log in</button>
      <button data-action="logout">Log out</button>
      <button data-action="logoutEverywhere">Log out everywhere</button>
      <button data-action="hide">App to background</button>
      <button data-action="show">App to foreground</button>
    </section>
    <section id="world">
      <h2>The world</h2>
      <label>Network <select id="network"><option value="online">online</option><option value="offline">offline</option><option value="timeout">timing out</option></select></label>
      <label>Profile dialog answer <select id="profile-answer"><option value="allow">allow</option><option value="deny">deny</option></select></label>
      <label>Phone dialog answer <select id="phone-answer"><option value="allow">allow</option><option value="deny">deny</option></select></label>
      <label>WeChat's privacy popup <select id="privacy-answer"><option value="agree">agree</option><option value="refuse">refuse</option></select></label>
      <button data-action="wechatBusy">WeChat busy ×2</button>
      <button data-action="updatePrivacyGuide">Privacy guide declares a new data type</button>
      <button data-action="revokeOnServer">Server revokes tokens</button>
      <button data-action="daysPass">Token lifetime passes</button>
    </section>
    <section id="settings">
      <h2>The app (applies to the next scenario)</h2>
      <label><input type="checkbox" id="profile-required" checked> requires a profile</label>
      <label><input type="checkbox" id="login-page-mode"> login-page mode (<span class="mono">/pages/login/index</span>)</label>
    </section>
  </div>
  <div class="column">
    <section id="story"><h3>Pick a scenario</h3><p>Each one starts a phone in a situation a real user meets; then tap as the person would, and watch the machine.</p></section>
    <section id="chart-panel">
      <div id="state-line">state: <span id="state">—</span> <span class="tags" id="tags"></span></div>
      <div id="chart">${chart}</div>
    </section>
  </div>
  <div class="column">
    <section id="phone">
      <h2>The phone</h2>
      <div class="mono">user <span id="openid" class="muted">none yet</span></div>
      <div>App: <span id="app-mode" class="muted">not started</span></div>
      <div>Phone clock: <span id="phone-clock" class="mono">now</span></div>
      <div>Page stack (top last):</div>
      <ol id="stack"></ol>
      <div id="screen"></div>
      <div>Stored token: <span id="token" class="muted">none</span></div>
      <div>Last API answer: <span id="answer" class="muted">none</span></div>
    </section>
    <section><h2>Machine events (masked, as an inspector sees them)</h2><ol id="log"></ol></section>
    <section><h2>Server events for this user</h2><ol id="server-events"></ol></section>
  </div>
</main>
<script type="application/json" id="playground-facts">${escapeJsonForScript(facts)}</script>
<script type="module" src="/playground/app.js"></script>
</body>
</html>
`;
}

/** The SVG element of the generated chart, without the XML prologue, sized by the page. */
export function inlineSvg(svgFile: string): string {
  const start = svgFile.indexOf('<svg');
  if (start < 0) throw new Error('machine.svg holds no <svg> element');
  return svgFile.slice(start);
}
