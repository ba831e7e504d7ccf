// The operators' console in the browser. Everything a person or WeChat wrote (nicknames,
// avatar URLs, errmsg, rid, …) goes in with textContent or as an SVG attribute value, never as
// markup; the page's CSP allows no inline script in any case.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  let csrfToken = '';
  let current = null; // the person shown

  function el(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`/admin/api/${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
    if (response.status === 401 && path !== 'session') showSignIn('Your session has ended; sign in again.');
    if (!response.ok) throw Object.assign(new Error(answer.message || `HTTP ${response.status}`), { status: response.status, answer });
    return answer;
  }

  // ----- sign-in ---------------------------------------------------------------------------

  function showSignIn(message) {
    csrfToken = '';
    $('console').hidden = true;
    $('who').hidden = true;
    $('sign-in-panel').hidden = false;
    $('sign-in-error').textContent = message || '';
  }

  function showConsole(session) {
    csrfToken = session.csrfToken;
    $('operator').textContent = session.operator;
    $('who').hidden = false;
    $('sign-in-panel').hidden = true;
    $('console').hidden = false;
    loadCharts();
  }

  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    try {
      const session = await api('POST', 'session', { name: $('sign-in-name').value, password: $('sign-in-password').value });
      $('sign-in-password').value = '';
      showConsole(session);
    } catch (error) {
      const wait = error.answer?.retryAfterSeconds;
      $('sign-in-error').textContent = wait ? `${error.message} Try again in ${Math.ceil(wait / 60)} min.` : error.message;
      $('sign-in-error').dataset.error = error.answer?.error ?? '';
    }
  });

  $('sign-out').addEventListener('click', async () => {
    await api('DELETE', 'session').catch(() => undefined);
    showSignIn('Signed out.');
  });

  // ----- charts ------------------------------------------------------------------------------

  const WIDTH = 560;
  const HEIGHT = 180;
  const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

  function time(iso) {
    return new Date(iso).toISOString().slice(5, 16).replace('T', ' ');
  }

  function drawChart(id, chart, from, bucketSeconds, buckets) {
    const figure = el('figure', { id: `chart-${id}` });
    figure.append(el('figcaption', {}, chart.title));
    const plot = svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': chart.title });
    const max = Math.max(0, ...chart.series.flatMap((series) => series.perMinute));
    const top = max > 0 ? max : 1;
    const x = (index) => PAD.left + (index + 0.5) * ((WIDTH - PAD.left - PAD.right) / buckets);
    const y = (value) => HEIGHT - PAD.bottom - (value / top) * (HEIGHT - PAD.top - PAD.bottom);
    plot.append(svg('line', { x1: PAD.left, y1: y(0), x2: WIDTH - PAD.right, y2: y(0), stroke: '#c5ccd4' }));
    plot.append(svg('line', { x1: PAD.left, y1: y(top), x2: WIDTH - PAD.right, y2: y(top), stroke: '#eef1f4' }));
    plot.append(svg('text', { x: 4, y: y(top) + 4, class: 'y-max' }, Number(top.toFixed(2))));
    plot.append(svg('text', { x: 4, y: y(0) + 4 }, '0'));
    const end = new Date(new Date(from).getTime() + buckets * bucketSeconds * 1000).toISOString();
    plot.append(svg('text', { x: PAD.left, y: HEIGHT - 6 }, time(from)));
    plot.append(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' }, `${time(end)} UTC`));
    const colors = ['#2f6fde', '#e07b00', '#2e9b5f', '#b3261e', '#7a4fc9', '#00838f'];
    chart.series.forEach((series, index) => {
      const color = colors[index % colors.length];
      const points = series.perMinute.map((value, bucket) => `${x(bucket).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
      const line = svg('polyline', { points, fill: 'none', stroke: color, 'stroke-width': 1.5, 'data-series': series.name, 'data-total': series.total });
      line.append(svg('title', {}, `${series.name}: ${series.total} in the range`));
      plot.append(line);
      series.perMinute.forEach((value, bucket) => {
        if (value > 0) plot.append(svg('circle', { cx: x(bucket).toFixed(1), cy: y(value).toFixed(1), r: 2.5, fill: color, 'data-series': series.name }));
      });
    });
    figure.append(plot);
    const legend = el('div', { class: 'legend' });
    if (chart.series.length === 0) legend.append(el('span', {}, 'nothing in this range'));
    chart.series.forEach((series, index) => {
      const item = el('span', { 'data-series': series.name });
      item.append(el('span', { class: `swatch c${index % colors.length}` }), `${series.name}: ${series.total}`);
      legend.append(item);
    });
    figure.append(legend);
    return figure;
  }

  // The phone-number quota as the background job last read it: per app, and per package, a bar
  // of what is left of what was bought.
  function quotaBar(label, left, all, key) {
    const row = el('div', { class: 'quota-row', 'data-quota': key, 'data-left': left, 'data-all': all });
    const bar = svg('svg', { class: 'quota-bar', viewBox: '0 0 200 10', role: 'img', 'aria-label': `${label}: ${left} left of ${all}` });
    bar.append(svg('rect', { x: 0, y: 0, width: 200, height: 10, fill: '#eef1f4' }));
    const share = all > 0 ? Math.max(0, Math.min(1, left / all)) : 0;
    bar.append(svg('rect', { x: 0, y: 0, width: (200 * share).toFixed(1), height: 10, fill: share <= 0.05 ? '#b3261e' : '#2e9b5f' }));
    row.append(el('span', { class: 'quota-label' }, label), bar, el('span', { class: 'quota-numbers' }, `${left} left of ${all}`));
    return row;
  }

  function drawQuota(apps) {
    const figure = el('figure', { id: 'chart-quota' });
    figure.append(el('figcaption', {}, 'Phone-number quota: left of bought'));
    if (apps.length === 0) figure.append(el('p', { class: 'quota-none' }, 'no WeChat app configured'));
    for (const app of apps) {
      const block = el('div', { class: 'quota-app', 'data-app': app.appId });
      if (app.reading === null) {
        block.append(el('div', { class: 'quota-row', 'data-quota': app.appId, 'data-state': 'not-read' }, `${app.appId}: not read yet`));
      } else {
        block.append(quotaBar(app.appId, app.reading.left, app.reading.all, app.appId));
        for (const pkg of app.reading.packages) {
          const row = quotaBar(`package ${pkg.id} (${pkg.status.replace('_', ' ')}, ends ${pkg.endsAt.slice(0, 10)})`, pkg.left, pkg.all, `${app.appId}/${pkg.id}`);
          row.classList.add('quota-package');
          block.append(row);
        }
        block.append(el('div', { class: 'quota-read-at' }, `read ${time(app.reading.readAt)} UTC`));
      }
      figure.append(block);
    }
    return figure;
  }

  async function loadCharts() {
    const range = $('range').value;
    const answer = await api('GET', `charts?range=${encodeURIComponent(range)}`);
    const charts = $('charts');
    charts.replaceChildren(
      ...['logins', 'failures', 'errcodes', 'phones'].map((id) => drawChart(id, answer[id], answer.from, answer.bucketSeconds, answer.buckets)),
      drawQuota(answer.phoneQuota),
    );
    charts.dataset.range = answer.range;
    charts.dataset.loadedAt = String(Date.now());
  }

  $('range').addEventListener('change', () => loadCharts().catch(() => undefined));
  $('refresh-charts').addEventListener('click', () => loadCharts().catch(() => undefined));

  // ----- search and the person -----------------------------------------------------------------

  $('search').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('search-error').textContent = '';
    const key = $('search-key').value;
    const value = $('search-value').value.trim();
    try {
      const { people } = await api('GET', `people?key=${encodeURIComponent(key)}&value=${encodeURIComponent(value)}`);
      const body = $('results').tBodies[0];
      body.replaceChildren();
      for (const person of people) {
        const row = el('tr', { class: 'pick', 'data-user-id': person.id });
        for (const cell of [person.id, person.appId, person.openid, person.nickname ?? '', person.phone ?? '', person.loginCount, person.erasedAt ? 'erased' : 'active']) {
          row.append(el('td', {}, cell));
        }
        row.addEventListener('click', () => showPerson(person.id));
        body.append(row);
      }
      $('results').hidden = false;
      $('results').dataset.count = String(people.length);
      if (people.length === 0) $('search-error').textContent = 'Nobody found.';
      if (people.length === 1) await showPerson(people[0].id);
    } catch (error) {
      $('search-error').textContent = error.message;
    }
  });

  const LABELS = {
    UserRegistered: 'registered',
    UserLoggedIn: 'logged in',
    ProfileUpdated: 'profile changed',
    PhoneNumberBound: 'phone bound',
    SessionsRevoked: 'logged out everywhere',
    UserErased: 'erased',
    IdentityLinked: 'identity linked (another app, same unionid)',
    UserMerged: 'merged into another person',
    PersonAbsorbed: 'absorbed another person',
    LoginFailed: 'login failed',
    OperatorActed: 'operator action',
  };

  function describe(details) {
    return Object.entries(details)
      .filter(([name]) => name !== 'at')
      .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join('\n');
  }

  async function showPerson(userId) {
    const { person, timeline } = await api('GET', `people/${encodeURIComponent(userId)}`);
    current = person;
    $('person-id').textContent = person.id;
    const fields = $('person-fields');
    fields.replaceChildren();
    for (const [name, value] of Object.entries(person)) {
      fields.append(el('dt', {}, name), el('dd', { 'data-field': name }, value ?? '—'));
    }
    const body = $('timeline').tBodies[0];
    body.replaceChildren();
    for (const entry of timeline) {
      const row = el('tr', { class: `${entry.type}${entry.operator ? ' by-operator' : ''}`, 'data-type': entry.type });
      const what = `${LABELS[entry.type] ?? entry.type}${entry.unattributed ? ' (a code of the app, openid unknown)' : ''}`;
      row.append(
        el('td', {}, entry.position),
        el('td', {}, entry.at.replace('T', ' ').replace('Z', ' UTC')),
        el('td', {}, entry.operator ? `${what} (by ${entry.operator})` : what),
        el('td', { class: 'details' }, describe(entry.details)),
      );
      const wechat = el('td', { class: 'wechat' });
      if (entry.errcode !== undefined) {
        wechat.append(el('strong', {}, `errcode ${entry.errcode}`), ` ${entry.explanation?.reason ?? ''}: ${entry.explanation?.message ?? ''}`);
      }
      if (entry.rid !== undefined) wechat.append(el('div', { class: 'rid' }, `rid ${entry.rid}`));
      row.append(wechat);
      body.append(row);
    }
    $('timeline').dataset.count = String(timeline.length);
    $('person-panel').hidden = false;
    $('export-link').hidden = true;
    $('action-result').textContent = '';
    for (const button of document.querySelectorAll('.actions button')) button.disabled = person.erasedAt !== null && button.dataset.action !== 'export';
  }

  // ----- actions, each confirmed by typing the user id ---------------------------------------------

  const ACTIONS = {
    'logout-everywhere': 'Log this person out on every device?',
    export: "Export this person's data? The export is recorded under your name.",
    erase: "Erase this person's personal data? This cannot be undone.",
  };

  function confirmAction(action) {
    return new Promise((resolve) => {
      const dialog = $('confirm');
      $('confirm-text').textContent = `${ACTIONS[action]} (${current.id})`;
      $('confirm-input').value = '';
      dialog.dataset.action = action;
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? $('confirm-input').value.trim() : null), { once: true });
      dialog.showModal();
    });
  }

  for (const button of document.querySelectorAll('.actions button')) {
    button.addEventListener('click', async () => {
      const action = button.dataset.action;
      const confirm = await confirmAction(action);
      if (confirm === null) return;
      try {
        const answer = await api('POST', `people/${encodeURIComponent(current.id)}/${action}`, { confirm });
        if (action === 'export') {
          const blob = new Blob([JSON.stringify(answer.export, null, 2)], { type: 'application/json' });
          const link = $('export-link');
          link.href = URL.createObjectURL(blob);
          link.download = `miniauth-export-${current.id}.json`;
          link.hidden = false;
        }
        await showPerson(current.id);
        $('action-result').textContent = `Done: ${button.textContent}.`;
        if (action === 'export') $('export-link').hidden = false;
      } catch (error) {
        $('action-result').textContent = error.message;
      }
    });
  }

  // ----- start: signed in already? ---------------------------------------------------------------

  api('GET', 'session').then(showConsole, () => showSignIn(''));
})();
