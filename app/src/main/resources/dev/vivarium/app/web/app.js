// Vivarium dashboard: the pages of `vivarium serve` and of `vivarium report` files.
// Every piece of data is put on the page as text (textContent, never innerHTML), so a run named
// <script>...</script> is shown, not run. In a report the API's answers are embedded in the page
// (script#vivarium-data) and nothing is fetched.
(function () {
  'use strict';

  const EMBEDDED = (function () {
    const node = document.getElementById('vivarium-data');
    return node ? JSON.parse(node.textContent) : null;
  })();
  const BUCKETS = (EMBEDDED && EMBEDDED.buckets) || 1000;
  const main = document.getElementById('main');
  const timers = [];
  const state = { selected: new Set(), sort: { key: 'started', dir: -1 }, filter: '' };
  window.vivarium = { marks: {} }; // timings and counts the browser tests and benchmarks read

  // ---------- data ----------

  /** The API's answer for endpoint with params (in the given order), from the server or the embedded data. */
  function api(endpoint, params) {
    const parts = Object.keys(params || {}).map(k => k + '=' + params[k]);
    if (EMBEDDED) {
      const key = [endpoint].concat(parts).join('|');
      if (!(key in EMBEDDED.answers)) {
        return Promise.reject(new Error('not in this report: ' + key));
      }
      return Promise.resolve(EMBEDDED.answers[key]);
    }
    const q = Object.keys(params || {}).map(k => encodeURIComponent(k) + '=' + encodeURIComponent(params[k])).join('&');
    return fetch('api/' + endpoint + (q ? '?' + q : '')).then(r => r.json().then(body => {
      if (!r.ok) {
        throw new Error(body && body.error ? body.error : 'HTTP ' + r.status);
      }
      return body;
    }));
  }

  /** Where a run's file is: the server's /api/file, or the report's embedded data URI. */
  function fileUrl(id, path) {
    if (EMBEDDED) {
      return EMBEDDED.answers[['file', 'id=' + id, 'path=' + path].join('|')] || '';
    }
    return 'api/file?id=' + encodeURIComponent(id) + '&path=' + encodeURIComponent(path);
  }

  // ---------- DOM, all text as text ----------

  function el(tag, attrs) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'onclick' || k === 'onchange' || k === 'oninput') e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (let i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }

  function add(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(c => add(parent, c));
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }

  function link(text, hash) {
    return el('a', { href: hash }, text);
  }

  function runHash(id) {
    return '#/run/' + encodeURIComponent(id);
  }

  function errorBox(message) {
    return el('div', { class: 'error', 'data-testid': 'error' }, message);
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential((digits || 4) - 1);
    return Number(v.toPrecision(digits || 4)).toString();
  }

  function duration(s) {
    if (!s) return '–';
    if (s < 120) return s.toFixed(1) + ' s';
    if (s < 7200) return (s / 60).toFixed(1) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }

  function color(i, n) {
    const base = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
    if (n <= base.length) return base[i % base.length];
    return 'hsl(' + Math.round((i * 137.508) % 360) + ',65%,42%)';
  }

  function fade(c, alpha) {
    if (c.startsWith('#')) {
      const n = parseInt(c.slice(1), 16);
      return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
    }
    return c.replace('hsl(', 'hsla(').replace(')', ',' + alpha + ')');
  }

  // ---------- curves ----------

  /** TensorBoard's smoothing: an exponential moving average, debiased so its start is not pulled to 0. */
  function smooth(ys, weight) {
    if (!(weight > 0)) return ys.slice();
    let last = 0;
    let n = 0;
    return ys.map(y => {
      if (y === null || !Number.isFinite(y)) return y;
      last = last * weight + (1 - weight) * y;
      n++;
      return last / (1 - Math.pow(weight, n));
    });
  }

  /** A curve's x (step or wall seconds) and y, with what a log axis cannot show removed. */
  function prepare(curve, opts) {
    const xs = opts.xWall && curve.wall ? curve.wall : curve.step;
    const ys = smooth(curve.y, opts.smoothing || 0);
    const outX = [];
    const outY = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (x === null || (opts.logX && !(x > 0))) continue;
      if (outX.length && x <= outX[outX.length - 1]) continue;
      let y = ys[i];
      if (opts.logY && !(y > 0)) y = null;
      outX.push(x);
      outY.push(y);
    }
    return [outX, outY];
  }

  /**
   * A uPlot line chart of named curves (each {label, curve, color, width, alpha}); bands: pairs of series
   * indices (1-based, upper then lower) to fill between. Returns the uPlot object.
   */
  function lineChart(parent, title, items, opts, bands) {
    const box = el('div', { class: 'chart', 'data-chart': title });
    box.appendChild(el('h3', {}, title));
    parent.appendChild(box);
    const usable = items.filter(it => it.curve && it.curve.step && it.curve.step.length);
    if (!usable.length) {
      box.appendChild(el('p', { class: 'note' }, 'nothing logged'));
      return null;
    }
    const data = uPlot.join(usable.map(it => prepare(it.curve, opts)));
    const series = [{ label: opts.xWall ? 'wall s' : 'step' }];
    usable.forEach((it, i) => series.push({
      label: it.label,
      stroke: it.alpha ? fade(it.color || color(i, usable.length), it.alpha) : (it.color || color(i, usable.length)),
      width: it.width || 1.5,
      spanGaps: true,
      points: { show: false },
      fill: it.fill,
    }));
    const chart = new uPlot({
      width: opts.width || 560,
      height: opts.height || 260,
      series: series,
      scales: {
        x: { time: false, distr: opts.logX ? 3 : 1 },
        y: { distr: opts.logY ? 3 : 1 },
      },
      axes: [{ label: opts.xLabel || (opts.xWall ? 'wall time (s)' : 'step') }, {}],
      legend: { show: usable.length <= 12 },
      bands: bands || [],
      cursor: { drag: { x: true, y: false } },
      hooks: { draw: (opts.marks || []).length ? [u => drawMarks(u, opts.marks)] : [] },
    }, data, box);
    box.uplot = chart;
    box.setAttribute('data-series', usable.map(it => it.label).join('\n'));
    return chart;
  }

  /** Dashed vertical lines at x positions, each labelled: phase boundaries. */
  function drawMarks(u, marks) {
    const g = u.ctx;
    g.save();
    g.setLineDash([5, 4]);
    g.strokeStyle = '#555';
    g.fillStyle = '#333';
    g.font = Math.round(10 * devicePixelRatio) + 'px sans-serif';
    marks.forEach(([label, x]) => {
      const px = u.valToPos(x, 'x', true);
      if (!(px >= u.bbox.left && px <= u.bbox.left + u.bbox.width)) return;
      g.beginPath();
      g.moveTo(px, u.bbox.top);
      g.lineTo(px, u.bbox.top + u.bbox.height);
      g.stroke();
      g.fillText(label, px + 3, u.bbox.top + 12 * devicePixelRatio);
    });
    g.restore();
  }

  function clearTimers() {
    while (timers.length) clearInterval(timers.pop());
  }

  // ---------- pages ----------

  function route() {
    clearTimers();
    window.vivarium.marks = {}; // a new page: its own timings (a hash change does not reload the document)
    const hash = location.hash || (EMBEDDED ? EMBEDDED.start : '#/runs');
    const [path, query] = hash.slice(1).split('?');
    const params = new URLSearchParams(query || '');
    const parts = path.split('/').filter(p => p.length);
    main.textContent = '';
    let page;
    if (parts[0] === 'run' && parts.length > 1) page = runPage(decodeURIComponent(parts.slice(1).join('/')));
    else if (parts[0] === 'compare') page = comparePage(params);
    else if (parts[0] === 'sweeps') page = sweepsPage();
    else if (parts[0] === 'predictions') page = predictionsPage();
    else if (parts[0] === 'laws' && parts.length > 1) page = lawPage(parts.slice(1).map(decodeURIComponent).join('/'));
    else if (parts[0] === 'laws') page = lawsPage();
    else if (parts[0] === 'sweep' && parts.length > 1) page = sweepPage(decodeURIComponent(parts.slice(1).join('/')), params);
    else page = runsPage();
    Promise.resolve(page).catch(e => main.appendChild(errorBox(String(e.message || e))));
  }

  // Runs: every run, filter, sort, select, compare, diff configs

  const COLUMNS = [
    ['id', 'run', r => r.id],
    ['recipe', 'recipe', r => r.recipe],
    ['sweep', 'sweep', r => r.sweep || ''],
    ['state', 'status', r => r.state],
    ['step', 'step', r => r.step],
    ['train_loss', 'train loss', r => r.last.train_loss],
    ['test_loss', 'test loss', r => r.last.test_loss],
    ['train_acc', 'train acc', r => r.last.train_acc],
    ['test_acc', 'test acc', r => r.last.test_acc],
    ['started', 'started', r => r.started],
    ['duration', 'duration', r => r.duration],
  ];

  async function runsPage() {
    const t0 = performance.now();
    const data = await api('runs', {});
    main.appendChild(el('h1', {}, 'Runs'));
    main.appendChild(el('p', { class: 'note' }, data.runs.length + ' runs under ' + data.runsRoot + ' and the sweep folders of ' + data.sweepsRoot));
    const filter = el('input', { type: 'text', placeholder: 'filter: id, recipe, sweep, status', value: state.filter, 'data-testid': 'filter' });
    const compare = el('button', { 'data-testid': 'compare' }, 'Compare selected');
    const diff = el('button', { 'data-testid': 'diff' }, 'Diff configs');
    const count = el('span', { class: 'note' });
    main.appendChild(el('div', { class: 'controls' }, filter, compare, diff, count));
    const diffBox = el('div', { 'data-testid': 'diff-box' });
    const table = el('table', { 'data-testid': 'runs' });
    main.appendChild(el('div', { class: 'scroll' }, table));
    main.appendChild(diffBox);

    function draw() {
      const f = state.filter.toLowerCase();
      const rows = data.runs.filter(r => !f || [r.id, r.recipe, r.sweep || '', r.state].some(s => s.toLowerCase().includes(f)));
      const col = COLUMNS.find(c => c[0] === state.sort.key) || COLUMNS[0];
      rows.sort((a, b) => {
        const x = col[2](a), y = col[2](b);
        if (x === y) return a.id < b.id ? -1 : 1;
        if (x === undefined || x === null) return 1;
        if (y === undefined || y === null) return -1;
        return (x < y ? -1 : 1) * state.sort.dir;
      });
      table.textContent = '';
      const head = el('tr', {}, el('th', {}, ''));
      COLUMNS.forEach(c => head.appendChild(el('th', {
        'data-key': c[0],
        onclick: () => {
          state.sort = { key: c[0], dir: state.sort.key === c[0] ? -state.sort.dir : 1 };
          draw();
        },
      }, c[1] + (state.sort.key === c[0] ? (state.sort.dir > 0 ? ' ▲' : ' ▼') : ''))));
      table.appendChild(el('thead', {}, head));
      const body = el('tbody');
      for (const r of rows) {
        const box = el('input', { type: 'checkbox', 'data-run': r.id, checked: state.selected.has(r.id) });
        box.addEventListener('change', () => {
          if (box.checked) state.selected.add(r.id); else state.selected.delete(r.id);
          count.textContent = state.selected.size + ' selected';
        });
        body.appendChild(el('tr', { 'data-run': r.id },
          el('td', {}, box),
          el('td', {}, link(r.id, runHash(r.id)), r.problem ? el('span', { class: 'state-BROKEN', title: r.problem }, ' ⚠') : null),
          el('td', {}, r.recipe),
          el('td', {}, r.sweep ? link(r.sweep, '#/sweep/' + encodeURIComponent(r.sweep)) : ''),
          el('td', { class: 'state-' + r.state, title: r.message || r.problem || '' }, r.state),
          el('td', { class: 'num' }, r.step + '/' + r.totalSteps),
          el('td', { class: 'num' }, fmt(r.last.train_loss)),
          el('td', { class: 'num' }, fmt(r.last.test_loss)),
          el('td', { class: 'num' }, fmt(r.last.train_acc, 3)),
          el('td', { class: 'num' }, fmt(r.last.test_acc, 3)),
          el('td', {}, r.started.startsWith('1970') ? '–' : r.started.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
          el('td', { class: 'num' }, duration(r.duration))));
      }
      table.appendChild(body);
      count.textContent = rows.length + ' shown, ' + state.selected.size + ' selected';
    }
    filter.addEventListener('input', () => { state.filter = filter.value; draw(); });
    compare.addEventListener('click', () => {
      if (state.selected.size) location.hash = '#/compare?ids=' + encodeURIComponent(Array.from(state.selected).join(','));
    });
    diff.addEventListener('click', () => configDiff(Array.from(state.selected), diffBox));
    draw();
    window.vivarium.marks.runsDrawn = performance.now() - t0;
  }

  async function configDiff(ids, box) {
    box.textContent = '';
    if (ids.length < 2) {
      box.appendChild(el('p', { class: 'note' }, 'select two runs or more to diff their configs'));
      return;
    }
    const data = await api('configs', { ids: ids.join(',') });
    const keys = [];
    ids.forEach(id => Object.keys(data.configs[id] || {}).forEach(k => { if (!keys.includes(k)) keys.push(k); }));
    const differ = k => new Set(ids.map(id => JSON.stringify((data.configs[id] || {})[k]))).size > 1;
    const shown = keys.filter(differ);
    box.appendChild(el('h2', {}, 'Config diff: ' + shown.length + ' of ' + keys.length + ' keys differ'));
    const t = el('table', { class: 'diff', 'data-testid': 'config-diff' });
    t.appendChild(el('tr', {}, el('th', {}, 'key'), ids.map(id => el('th', {}, id))));
    shown.forEach(k => t.appendChild(el('tr', { 'data-key': k }, el('td', {}, k),
      ids.map(id => el('td', { class: 'differs' }, fmt((data.configs[id] || {})[k]))))));
    box.appendChild(t);
    Object.entries(data.problems || {}).forEach(([id, p]) => box.appendChild(errorBox(id + ': ' + p)));
  }

  // Run: curves with log axes, smoothing and x by step or wall time; checkpoints; analyses

  function groups(names) {
    const g = { loss: [], accuracy: [], 'weight norms': [], 'gradient norm': [], 'learning rate': [], other: [] };
    names.forEach(n => {
      if (n === 'wall_s') return;
      if (n.endsWith('loss')) g.loss.push(n);
      else if (n.includes('acc')) g.accuracy.push(n);
      else if (n === 'weight_norm' || n.startsWith('norm.')) g['weight norms'].push(n);
      else if (n === 'grad_norm' || n.startsWith('grad')) g['gradient norm'].push(n);
      else if (n === 'lr' || n.startsWith('lr')) g['learning rate'].push(n);
      else g.other.push(n);
    });
    return g;
  }

  async function runPage(id) {
    const info = await api('run', { id: id });
    const r = info.run;
    main.appendChild(el('h1', { 'data-testid': 'run-title' }, r.id));
    main.appendChild(el('p', {},
      el('span', { class: 'state-' + r.state, 'data-testid': 'run-state' }, r.state), ' · ',
      'step ' + r.step + '/' + r.totalSteps, ' · recipe ', r.recipe, ' · started ', r.started, ' · ', duration(r.duration),
      r.sweep ? [' · sweep ', link(r.sweep, '#/sweep/' + encodeURIComponent(r.sweep))] : null));
    if (r.message) main.appendChild(el('p', { class: 'note' }, r.message));
    if (r.problem) main.appendChild(errorBox(r.problem));
    if (info.configProblem) main.appendChild(errorBox(info.configProblem));

    const opts = { logX: true, logY: true, smoothing: 0, xWall: false };
    const controls = el('div', { class: 'controls' });
    const toggles = [['logX', 'log x'], ['logY', 'log y (loss, norms)']].map(([k, label]) => {
      const c = el('input', { type: 'checkbox', checked: opts[k], 'data-testid': k });
      c.addEventListener('change', () => { opts[k] = c.checked; redraw(); });
      return el('label', {}, c, label);
    });
    const slider = el('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: 0, 'data-testid': 'smoothing' });
    const sliderValue = el('span', {}, '0');
    slider.addEventListener('input', () => { opts.smoothing = Number(slider.value); sliderValue.textContent = slider.value; redraw(); });
    const xSel = el('select', { 'data-testid': 'xaxis' }, el('option', { value: 'step' }, 'x: step'), el('option', { value: 'wall' }, 'x: wall time'));
    xSel.addEventListener('change', () => { opts.xWall = xSel.value === 'wall'; redraw(); });
    add(controls, [toggles, el('label', {}, 'smoothing', slider, sliderValue), xSel]);
    main.appendChild(controls);
    const metricsProblem = el('div');
    const charts = el('div', { class: 'charts', 'data-testid': 'charts' });
    main.appendChild(metricsProblem);
    main.appendChild(charts);
    let metrics = null;

    function redraw() {
      charts.textContent = '';
      metricsProblem.textContent = '';
      if (!metrics) return;
      if (metrics.problem) metricsProblem.appendChild(errorBox('metrics: ' + metrics.problem));
      const g = groups(Object.keys(metrics.series));
      for (const [title, names] of Object.entries(g)) {
        if (!names.length) continue;
        const linear = title === 'accuracy' || title === 'learning rate';
        const o = Object.assign({}, opts, { logY: opts.logY && !linear });
        const items = [];
        names.forEach((n, i) => {
          const c = color(i, names.length);
          if (opts.smoothing > 0) items.push({ label: n + ' (raw)', curve: metrics.series[n], color: c, alpha: 0.25, width: 1, raw: true });
          items.push({ label: n, curve: metrics.series[n], color: c });
        });
        const rawFree = Object.assign({}, o);
        // raw series are drawn unsmoothed beside the smoothed ones
        lineChartMixed(charts, title, items, rawFree);
      }
      window.vivarium.marks.runCharts = charts.querySelectorAll('.chart').length;
    }

    function lineChartMixed(parent, title, items, o) {
      const withCurves = items.map(it => it.raw ? Object.assign({}, it, { curve: it.curve }) : it);
      const prepared = withCurves.map(it => ({
        label: it.label, color: it.color, alpha: it.alpha, width: it.width,
        curve: it.raw ? it.curve : Object.assign({}, it.curve, { y: smooth(it.curve.y, o.smoothing) }),
      }));
      return lineChart(parent, title, prepared, Object.assign({}, o, { smoothing: 0 }));
    }

    async function load() {
      try {
        metrics = await api('metrics', { id: id, buckets: BUCKETS });
      } catch (e) {
        metrics = null;
        metricsProblem.textContent = '';
        metricsProblem.appendChild(errorBox('metrics: ' + e.message));
        return;
      }
      redraw();
    }
    await load();
    if (r.state === 'RUNNING' && !EMBEDDED) {
      timers.push(setInterval(async () => {
        const fresh = await api('run', { id: id });
        await load();
        if (fresh.run.state !== 'RUNNING') clearTimers();
      }, 2000));
    }

    main.appendChild(el('h2', {}, 'Checkpoints'));
    main.appendChild(info.checkpoints.length
      ? el('p', { 'data-testid': 'checkpoints' }, info.checkpoints.map(s => el('span', { class: 'pill' }, 'step ' + s)))
      : el('p', { class: 'note' }, 'none'));
    const analyses = el('div', { 'data-testid': 'analyses' });
    main.appendChild(el('h2', {}, 'Analyses'));
    main.appendChild(analyses);
    await drawAnalyses(id, info.analyses, analyses);
    if (info.configText) {
      main.appendChild(el('h2', {}, 'config.yaml'));
      main.appendChild(el('pre', { 'data-testid': 'config' }, info.configText));
    }
    window.vivarium.marks.runDone = performance.now();
  }

  // Analyses: drawn from the JSON the lens writes, each beside its own PNG

  /** A run's text file (a CSV the lens wrote): fetched, or the report's embedded copy. */
  function fetchText(id, path) {
    if (EMBEDDED) {
      const t = EMBEDDED.answers[['file', 'id=' + id, 'path=' + path].join('|')];
      return t === undefined ? Promise.reject(new Error('not in this report: ' + path)) : Promise.resolve(t);
    }
    return fetch(fileUrl(id, path)).then(r => {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.text();
    });
  }

  /**
   * The analyses: per analysis (a folder of one JSON and PNG per step, or files directly under analyses/),
   * its latest JSON drawn in the page, beside the PNG the lens drew.
   */
  async function drawAnalyses(id, files, box) {
    if (!files.length) {
      box.appendChild(el('p', { class: 'note' }, 'none (vivarium lens RUN fourier spectra attention cka progress)'));
      return;
    }
    const byName = new Map();
    files.forEach(f => {
      const slash = f.indexOf('/');
      const name = slash < 0 ? f.replace(/\.[^.]*$/, '') : f.slice(0, slash);
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(f);
    });
    for (const [name, all] of byName) {
      const json = all.filter(f => f.endsWith('.json')).sort();
      const latest = json[json.length - 1];
      const fig = el('div', { class: 'figure', 'data-analysis': name });
      fig.appendChild(el('h3', {}, name + (latest && latest.includes('/') ? ' — ' + latest.slice(latest.indexOf('/') + 1).replace('.json', '') : '')
        + (json.length > 1 ? ' (latest of ' + json.length + ' steps)' : '')));
      box.appendChild(fig);
      if (latest) {
        try {
          const data = await api('analysis', { id: id, name: latest });
          if (data.summary) fig.appendChild(el('p', { class: 'note' }, data.summary));
          await drawAnalysis(id, name, data, fig);
        } catch (e) {
          fig.appendChild(errorBox(latest + ': ' + e.message));
        }
      }
      const png = latest ? latest.replace(/\.json$/, '.png') : all.find(f => f.endsWith('.png'));
      if (png && all.includes(png)) fig.appendChild(el('img', { src: fileUrl(id, 'analyses/' + png), alt: name, 'data-png': png }));
    }
  }

  async function drawAnalysis(id, name, d, fig) {
    const kind = d.analysis || name;
    if (kind === 'fourier' || Array.isArray(d.embedding_energy_by_frequency)) return fourierFigure(d, fig);
    if (kind === 'progress') return progressFigure(id, d, fig);
    if (kind === 'attention') return attentionFigure(d, fig);
    if (kind === 'cka') return ckaFigure(d, fig);
    if (kind === 'spectra') return spectraFigure(d, fig);
    const found = matrices(d, '', []).slice(0, 4);
    found.forEach(([p, mtx]) => heatmap(fig, p, mtx, null, null, {}));
  }

  /** Parses a CSV of numbers with a header line into columns. */
  function csvColumns(text) {
    const lines = text.split('\n').filter(l => l.trim().length);
    const head = lines[0].split(',');
    const cols = {};
    head.forEach(h => { cols[h] = []; });
    lines.slice(1).forEach(l => l.split(',').forEach((v, i) => { if (head[i] !== undefined) cols[head[i]].push(v === '' ? null : Number(v)); }));
    return cols;
  }

  async function progressFigure(id, d, fig) {
    const cols = csvColumns(await fetchText(id, 'analyses/' + (d.table || 'progress.csv')));
    const losses = ['train_loss', 'test_loss', 'restricted_loss', 'excluded_loss'].filter(k => cols[k]);
    const marks = [['memorised', d.memorised_at], ['circuit formation', d.circuit_formation_starts_at],
      ['clean-up', d.cleanup_starts_at], ['clean-up ends', d.cleanup_ends_at]].filter(m => Number.isFinite(m[1]));
    const items = losses.map((k, i) => ({ label: k, curve: { step: cols.step, y: cols[k] }, color: color(i, 10) }));
    lineChart(fig, 'progress measures over steps (log y), phase boundaries dashed', items,
      { logX: false, logY: true, width: 640, height: 260, marks: marks });
    fig.appendChild(el('p', { 'data-testid': 'phases' }, marks.map(m => el('span', { class: 'pill' }, m[0] + ' ' + m[1]))));
  }

  function barChart(fig, title, labels, values, marked) {
    const w = 640, h = 220, pad = 36;
    const c = el('canvas', { width: w, height: h, class: 'heat', 'data-bars': labels.length });
    const g = c.getContext('2d');
    const max = Math.max.apply(null, values.filter(Number.isFinite).concat([1e-300]));
    const bw = (w - pad - 8) / labels.length;
    g.fillStyle = '#222';
    g.font = '11px sans-serif';
    g.fillText(title, pad, 12);
    values.forEach((v, i) => {
      const bh = Number.isFinite(v) ? (h - pad - 18) * v / max : 0;
      g.fillStyle = marked[i] ? '#d62728' : '#8fa8c8';
      g.fillRect(pad + i * bw, h - pad - bh, Math.max(1, bw - 1), bh);
      if (marked[i] || labels.length <= 30) {
        g.fillStyle = marked[i] ? '#d62728' : '#555';
        g.fillText(labels[i], pad + i * bw, h - pad + 12);
      }
    });
    g.fillStyle = '#555';
    g.fillText(fmt(max), 2, 22);
    g.fillText('0', 2, h - pad);
    fig.appendChild(c);
  }

  function fourierFigure(d, fig) {
    const energy = d.embedding_energy_by_frequency.slice(1);
    const keys = d.key_frequencies || [];
    const labels = energy.map((_, i) => String(i + 1));
    fig.appendChild(el('p', { 'data-testid': 'key-frequencies' }, 'key frequencies: ' + keys.join(', ')));
    barChart(fig, 'embedding energy per frequency (key frequencies in red)', labels, energy, labels.map((_, i) => keys.includes(i + 1)));
  }

  function heatmap(fig, title, matrix, rowLabels, colLabels, opts) {
    const n = matrix.length, m = n ? matrix[0].length : 0;
    const cell = Math.max(3, Math.min(28, Math.floor(360 / Math.max(n, m, 1))));
    const left = 60, top = 20;
    const c = el('canvas', { width: left + m * cell + 130, height: top + n * cell + 30, class: 'heat', 'data-cells': n * m });
    const g = c.getContext('2d');
    const flat = matrix.flat().filter(Number.isFinite);
    const lo = opts && opts.min !== undefined ? opts.min : Math.min.apply(null, flat);
    const hi = opts && opts.max !== undefined ? opts.max : Math.max.apply(null, flat);
    g.font = '11px sans-serif';
    g.fillStyle = '#222';
    g.fillText(title, left, 12);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const v = matrix[i][j];
        g.fillStyle = Number.isFinite(v) ? viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5) : '#eee';
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        if (opts && opts.text && cell >= 24 && Number.isFinite(v)) {
          g.fillStyle = (hi > lo ? (v - lo) / (hi - lo) : 0.5) > 0.6 ? '#000' : '#fff';
          g.fillText(fmt(v, 2), left + j * cell + 2, top + i * cell + cell / 2 + 4);
        }
      }
      if (rowLabels && (cell >= 10 || i % 5 === 0)) {
        g.fillStyle = '#333';
        g.fillText(String(rowLabels[i]).slice(0, 9), 2, top + i * cell + cell / 2 + 4);
      }
    }
    if (colLabels) {
      g.fillStyle = '#333';
      for (let j = 0; j < m; j++) if (cell >= 16 || j % 5 === 0) g.fillText(String(colLabels[j]).slice(0, 6), left + j * cell, top + n * cell + 12);
    }
    g.fillText(fmt(lo, 3) + ' … ' + fmt(hi, 3), left + m * cell + 6, top + 10);
    fig.appendChild(c);
    return c;
  }

  function viridis(t) {
    const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
    const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
    return 'rgb(' + c.join(',') + ')';
  }

  /** Finds the 2-D numeric arrays in an analysis's JSON, with the path to each. */
  function matrices(d, path, out) {
    if (Array.isArray(d) && d.length && Array.isArray(d[0]) && typeof d[0][0] === 'number') out.push([path, d]);
    else if (Array.isArray(d) && d.length && Array.isArray(d[0]) && Array.isArray(d[0][0])) d.forEach((x, i) => matrices(x, path + '[' + i + ']', out));
    else if (Array.isArray(d)) d.slice(0, 64).forEach((x, i) => { if (x && typeof x === 'object') matrices(x, path + '[' + i + ']', out); });
    else if (d && typeof d === 'object') Object.keys(d).forEach(k => matrices(d[k], path ? path + '.' + k : k, out));
    return out;
  }

  function attentionFigure(d, fig) {
    const p = d.mean_pattern_by_layer_head_query_key;
    if (Array.isArray(p)) {
      p.forEach((layer, l) => layer.forEach((head, h) => heatmap(fig, 'L' + l + 'H' + h + ' (query rows, key columns)', head, null, null, { min: 0, max: 1, text: true })));
      return;
    }
    const found = matrices(d, '', []).slice(0, 16);
    found.forEach(([q, mtx]) => heatmap(fig, q, mtx, null, null, { min: 0 }));
  }

  function ckaFigure(d, fig) {
    const found = [['linear', d.linear], ['debiased', d.debiased]].filter(m => Array.isArray(m[1]));
    const labels = d.points || d.labels || d.layers || null;
    found.forEach(([p, mtx]) => heatmap(fig, p, mtx, labels, labels, { min: 0, max: 1, text: true }));
    if (!found.length) fig.appendChild(el('p', { class: 'note' }, 'no matrix in the JSON'));
  }

  /** Per matrix: the eigenvalue density on log-log axes (log bins) with the fitted power law over its tail. */
  function spectraFigure(d, fig) {
    const mats = Array.isArray(d.matrices) ? d.matrices : [];
    const t = el('table', { 'data-testid': 'spectra' });
    const keys = ['name', 'alpha', 'alpha_sigma', 'xmin', 'tail', 'goodness_of_fit_p', 'stable_rank', 'spectral_norm'];
    t.appendChild(el('tr', {}, keys.map(k => el('th', {}, k))));
    mats.forEach(m => t.appendChild(el('tr', {}, keys.map(k => el('td', { class: typeof m[k] === 'number' ? 'num' : '' }, fmt(m[k], 3))))));
    fig.appendChild(t);
    const charts = el('div', { class: 'charts' });
    fig.appendChild(charts);
    mats.filter(m => Array.isArray(m.eigenvalues) && m.eigenvalues.some(v => v > 0)).slice(0, 9).forEach(m => {
      const ev = m.eigenvalues.filter(v => v > 0);
      const lo = Math.min.apply(null, ev), hi = Math.max.apply(null, ev);
      const bins = 16;
      const edges = [];
      for (let i = 0; i <= bins; i++) edges.push(lo * Math.pow(hi / lo || 1.0001, i / bins) * (i === bins ? 1.000001 : 1));
      const xs = [], dens = [], fit = [];
      for (let i = 0; i < bins; i++) {
        const n = ev.filter(v => v >= edges[i] && v < edges[i + 1]).length;
        const mid = Math.sqrt(edges[i] * edges[i + 1]);
        xs.push(mid);
        dens.push(n > 0 ? n / (m.eigenvalues.length * (edges[i + 1] - edges[i])) : null);
        const a = m.alpha, xmin = m.xmin, frac = m.tail_fraction;
        fit.push(Number.isFinite(a) && Number.isFinite(xmin) && mid >= xmin ? frac * (a - 1) / xmin * Math.pow(mid / xmin, -a) : null);
      }
      lineChart(charts, m.name + ' α=' + fmt(m.alpha, 3), [
        { label: 'density', curve: { step: xs, y: dens }, color: '#1f77b4' },
        { label: 'power law fit', curve: { step: xs, y: fit }, color: '#d62728', width: 2 },
      ], { logX: true, logY: true, width: 300, height: 200, xLabel: 'eigenvalue' });
    });
  }

  // Compare: overlay runs, or group them by a config key and draw mean ± std or min–max bands

  async function comparePage(params) {
    const t0 = performance.now();
    const ids = (params.get('ids') || '').split(',').filter(s => s.length);
    main.appendChild(el('h1', {}, 'Compare'));
    if (!ids.length) {
      main.appendChild(el('p', {}, 'Select runs on the ', link('runs page', '#/runs'), ' and press Compare selected.'));
      return;
    }
    const metric = params.get('metric') || 'test_loss';
    const group = params.get('group') || '';
    const band = params.get('band') || 'std';
    const logY = params.get('logy') !== '0';
    const logX = params.get('logx') !== '0';
    const go = changes => {
      const p = new URLSearchParams({ ids: ids.join(','), metric: metric, group: group, band: band, logy: logY ? '1' : '0', logx: logX ? '1' : '0' });
      Object.entries(changes).forEach(([k, v]) => p.set(k, v));
      location.hash = '#/compare?' + p.toString();
    };
    const metricIn = el('input', { type: 'text', value: metric, 'data-testid': 'metric' });
    metricIn.addEventListener('change', () => go({ metric: metricIn.value }));
    const groupIn = el('input', { type: 'text', value: group, placeholder: 'config key, e.g. train.lr', 'data-testid': 'group' });
    groupIn.addEventListener('change', () => go({ group: groupIn.value }));
    const bandSel = el('select', { 'data-testid': 'band' }, el('option', { value: 'std', selected: band === 'std' }, 'mean ± std'), el('option', { value: 'minmax', selected: band === 'minmax' }, 'min–max'));
    bandSel.addEventListener('change', () => go({ band: bandSel.value }));
    const ly = el('input', { type: 'checkbox', checked: logY });
    ly.addEventListener('change', () => go({ logy: ly.checked ? '1' : '0' }));
    const lx = el('input', { type: 'checkbox', checked: logX });
    lx.addEventListener('change', () => go({ logx: lx.checked ? '1' : '0' }));
    main.appendChild(el('div', { class: 'controls' }, el('label', {}, 'metric', metricIn), el('label', {}, 'group by', groupIn), bandSel,
      el('label', {}, lx, 'log x'), el('label', {}, ly, 'log y')));
    const box = el('div', { class: 'charts', 'data-testid': 'compare-charts' });
    main.appendChild(box);
    const data = await api('series', { ids: ids.join(','), metric: metric, buckets: ids.length > 20 ? 300 : BUCKETS });
    const opts = { logX: logX, logY: logY, width: 960, height: 460 };
    window.vivarium.marks.compareFetched = performance.now() - t0;
    if (data.missing.length) main.appendChild(el('p', { class: 'note' }, 'without ' + metric + ': ' + data.missing.join(', ')));
    let chart;
    if (!group) {
      chart = lineChart(box, metric + ' of ' + data.runs.length + ' runs', data.runs.map((r, i) => ({ label: r.id, curve: r.curve, color: color(i, data.runs.length) })), opts);
    } else {
      const cfg = await api('configs', { ids: data.runs.map(r => r.id).join(',') });
      const byValue = new Map();
      data.runs.forEach(r => {
        const v = JSON.stringify((cfg.configs[r.id] || {})[group]);
        if (!byValue.has(v)) byValue.set(v, []);
        byValue.get(v).push(r);
      });
      const items = [];
      const bands = [];
      let i = 0;
      for (const [v, runs] of byValue) {
        const c = color(i++, byValue.size);
        const s = bandOf(runs.map(r => prepare(r.curve, opts)), band);
        const base = items.length + 1;
        items.push({ label: group + '=' + v + ' (' + runs.length + ')', curve: { step: s.x, y: s.mid }, color: c, width: 2 });
        items.push({ label: 'upper', curve: { step: s.x, y: s.hi }, color: c, alpha: 0.3, width: 0.5 });
        items.push({ label: 'lower', curve: { step: s.x, y: s.lo }, color: c, alpha: 0.3, width: 0.5 });
        bands.push({ series: [base + 1, base + 2], fill: fade(c, 0.15) });
      }
      chart = lineChart(box, metric + ' grouped by ' + group + (band === 'std' ? ' (mean ± std)' : ' (mean, min–max)'), items, Object.assign({}, opts, { logX: false, logY: false, raw: true }), bands);
    }
    if (!group) box.appendChild(el('div', { class: 'runlist note' }, data.runs.map((r, k) => el('div', {}, el('span', { style: 'color:' + color(k, data.runs.length) }, '■ '), link(r.id, runHash(r.id))))));
    // time to the chart's final paint: the frame after it is drawn
    await new Promise(res => requestAnimationFrame(() => requestAnimationFrame(res)));
    window.vivarium.marks.compareDrawn = performance.now();
    window.vivarium.marks.compareSeries = chart ? chart.series.length - 1 : 0;
  }

  /** Mean and a band (± std, or min and max) of curves at the union of their x, each held at its last value. */
  function bandOf(curves, band) {
    const xs = Array.from(new Set(curves.flatMap(c => c[0]))).sort((a, b) => a - b);
    const at = curves.map(() => 0);
    const mid = [], lo = [], hi = [];
    for (const x of xs) {
      const vals = [];
      curves.forEach((c, k) => {
        while (at[k] + 1 < c[0].length && c[0][at[k] + 1] <= x) at[k]++;
        if (c[0][at[k]] <= x && c[1][at[k]] !== null) vals.push(c[1][at[k]]);
      });
      if (!vals.length) { mid.push(null); lo.push(null); hi.push(null); continue; }
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      if (band === 'minmax') {
        lo.push(Math.min.apply(null, vals));
        hi.push(Math.max.apply(null, vals));
      } else {
        const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) * (b - mean), 0) / Math.max(1, vals.length - 1));
        lo.push(mean - sd);
        hi.push(mean + sd);
      }
      mid.push(mean);
    }
    return { x: xs, mid: mid, lo: lo, hi: hi };
  }

  // Sweeps: their folders, each with status counts, points, a heatmap over two axes and a line over one

  async function sweepsPage() {
    const data = await api('sweeps', {});
    main.appendChild(el('h1', {}, 'Sweeps'));
    if (!data.sweeps.length) {
      main.appendChild(el('p', { class: 'note' }, 'no sweep folders (vivarium sweep SPEC makes one)'));
      return;
    }
    const t = el('table', { 'data-testid': 'sweeps' });
    t.appendChild(el('tr', {}, el('th', {}, 'sweep'), el('th', {}, 'points'), el('th', {}, 'states')));
    data.sweeps.forEach(s => t.appendChild(el('tr', {},
      el('td', {}, link(s.name, '#/sweep/' + encodeURIComponent(s.name))), el('td', { class: 'num' }, s.points),
      el('td', {}, Object.entries(s.counts).map(([k, v]) => el('span', { class: 'pill state-' + k }, k + ' ' + v)), s.problem ? errorBox(s.problem) : null))));
    main.appendChild(t);
  }

  function median(vs) {
    const s = vs.slice().sort((a, b) => a - b);
    const n = s.length;
    return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
  }

  function sortValues(vs) {
    const num = vs.every(v => v !== '' && !Number.isNaN(Number(v)));
    return vs.slice().sort((a, b) => num ? Number(a) - Number(b) : (a < b ? -1 : a > b ? 1 : 0));
  }

  // Predictions: each study ledger's scoreboard and calibration, every value as text

  function g4(v) {
    return v === null || v === undefined ? '' : Number(v).toPrecision(4);
  }

  async function predictionsPage() {
    const data = await api('predictions', {});
    main.appendChild(el('h1', {}, 'Predictions'));
    if (!data.ledgers.length) {
      main.appendChild(el('p', { class: 'note' }, 'no ledgers under SWEEPS/studies/*/ (vivarium study SPEC writes one)'));
      return;
    }
    data.ledgers.forEach(l => {
      main.appendChild(el('h2', {}, l.name));
      if (l.error) {
        main.appendChild(errorBox(l.error));
        return;
      }
      const t = el('table', { 'data-testid': 'scoreboard' });
      t.appendChild(el('tr', {}, ['id', 'claim', 'registered', 'interval', 'resolved', 'value', 'hit', 'interval score', 'log score', 'brier']
        .map(h => el('th', {}, h))));
      l.predictions.forEach(p => t.appendChild(el('tr', { 'data-id': p.id },
        el('td', {}, p.id.slice(0, 12)), el('td', {}, p.claim), el('td', {}, p.registered),
        el('td', {}, p.lo !== undefined ? '[' + g4(p.lo) + ', ' + g4(p.hi) + '] at ' + g4(p.level) : (p.probability !== undefined ? 'p = ' + g4(p.probability) : '')),
        el('td', {}, p.resolved || 'open'), el('td', { class: 'num' }, g4(p.value)),
        el('td', {}, p.hit === undefined ? '' : (p.hit ? 'hit' : 'miss')),
        el('td', { class: 'num' }, g4(p.interval)), el('td', { class: 'num' }, g4(p.log)), el('td', { class: 'num' }, g4(p.brier)))));
      main.appendChild(t);
      const rows = l.intervalCoverage.map(c => ['interval', c]).concat(l.eventCalibration.map(c => ['event', c]));
      main.appendChild(el('h3', {}, 'Calibration'));
      reliabilityChart(main, l);
      const c = el('table', { 'data-testid': 'calibration' });
      c.appendChild(el('tr', {}, ['kind', 'bin', 'count', 'stated', 'observed'].map(h => el('th', {}, h))));
      rows.forEach(([k, r]) => c.appendChild(el('tr', {}, el('td', {}, k), el('td', {}, '[' + g4(r.lo) + ', ' + g4(r.hi) + ']'),
        el('td', { class: 'num' }, r.count), el('td', { class: 'num' }, g4(r.stated)), el('td', { class: 'num' }, g4(r.observed)))));
      main.appendChild(c);
    });
  }


  // Laws: the fits (fit.json of a study, SWEEP/fits/*.json of vivarium fit --json) and one fit's figure

  /** A fit's name as a hash or API path: each '/'-separated part encoded on its own. */
  function lawPath(name) {
    return name.split('/').map(encodeURIComponent).join('/');
  }

  async function lawsPage() {
    const data = await api('laws', {});
    main.appendChild(el('h1', {}, 'Laws'));
    if (!data.laws.length) {
      main.appendChild(el('p', { class: 'note' }, 'no fits: vivarium study SPEC writes SWEEPS/studies/<study>/fit.json, '
        + 'vivarium fit --sweep SWEEP_DIR ... --json SWEEP_DIR/fits/NAME.json writes one for a sweep'));
      return;
    }
    const t = el('table', { 'data-testid': 'laws' });
    t.appendChild(el('tr', {}, ['fit', 'formula', 'x', 'y', 'points', 'held out', 'predictions'].map(h => el('th', {}, h))));
    data.laws.forEach(l => t.appendChild(el('tr', { 'data-name': l.name },
      el('td', {}, link(l.name, '#/laws/' + lawPath(l.name))),
      l.error ? el('td', { colspan: 6 }, errorBox(l.error)) : [
        el('td', {}, l.formula), el('td', {}, l.x), el('td', {}, l.y), el('td', { class: 'num' }, l.points),
        el('td', { class: 'num' }, l.heldout), el('td', {}, l.ledger ? link('ledger', '#/predictions') : '')])));
    main.appendChild(t);
  }

  /**
   * One fit on log-log axes: the fitted points and the held-out ones (distinct markers), the law over the
   * data's range (solid) and beyond it (dashed), its pointwise 5–95% bootstrap band (filled) and the
   * prediction interval of a new observation (grey, dotted). Points sharing an x (seeds) go in extra series
   * of the same style, so no point is lost to the shared x axis.
   */
  async function lawPage(name) {
    const f = await api('laws/' + lawPath(name), {});
    main.appendChild(el('h1', {}, 'Law ' + f.name));
    main.appendChild(el('p', { 'data-testid': 'formula' }, f.formula));
    main.appendChild(el('p', { class: 'note' }, f.y + ' against ' + f.x + '; ' + f.points + ' points fitted, '
      + f.resamples + ' bootstrap refits' + (f.failedResamples ? ' (' + f.failedResamples + ' failed)' : '')
      + '; L-BFGS: ' + f.status + (f.curveAlong ? '; the law drawn along ' + f.curveAlong : '')));
    (f.warnings || []).forEach(w => main.appendChild(errorBox('warning: ' + w)));
    const c = f.curve;
    const dataMax = f.dataRange[1];
    const xsSet = new Set(c.x);
    f.data.forEach(p => { if (p.x > 0) xsSet.add(p.x); });
    const xs = Array.from(xsSet).sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const empty = () => xs.map(() => null);
    const items = []; // {label, role, values, style}
    const addLine = (label, role, values, style) => items.push({ label: label, role: role, values: values, style: style });
    const inside = empty(), beyond = empty(), bHi = empty(), bLo = empty(), pHi = empty(), pLo = empty();
    c.x.forEach((x, k) => {
      const i = at.get(x);
      if (x <= dataMax) inside[i] = c.y[k];
      if (x >= dataMax && f.extrapolation) beyond[i] = c.y[k];
      bHi[i] = c.bandHi[k];
      bLo[i] = c.bandLo[k];
      pHi[i] = c.predictionHi[k];
      pLo[i] = c.predictionLo[k];
    });
    const pct = Math.round(100 * c.bandLevel);
    addLine('band ' + Math.round(50 - pct / 2) + '%–' + Math.round(50 + pct / 2) + '% upper', 'bandHi', bHi, { stroke: 'rgba(255,127,14,0.5)', width: 0.5 });
    addLine('band lower', 'bandLo', bLo, { stroke: 'rgba(255,127,14,0.5)', width: 0.5 });
    addLine(Math.round(100 * c.predictionLevel) + '% prediction upper', 'predHi', pHi, { stroke: '#999', width: 1, dash: [2, 3] });
    addLine('prediction lower', 'predLo', pLo, { stroke: '#999', width: 1, dash: [2, 3] });
    addLine('law', 'law', inside, { stroke: '#d62728', width: 2 });
    if (f.extrapolation) addLine('law, extrapolated', 'extrapolation', beyond, { stroke: '#d62728', width: 2, dash: [8, 5] });
    const layers = { fit: [], heldout: [] };
    f.data.forEach(p => {
      if (!(p.x > 0) || !(p.y > 0)) return;
      const set = p.set === 'heldout' ? 'heldout' : 'fit';
      let layer = layers[set].find(l => l[at.get(p.x)] === null);
      if (!layer) { layer = empty(); layers[set].push(layer); }
      layer[at.get(p.x)] = p.y;
    });
    const pointStyle = {
      fit: { label: 'fitted points', fill: '#1f77b4', size: 8 },
      heldout: { label: 'held-out points', fill: '#111', size: 11 },
    };
    ['fit', 'heldout'].forEach(set => layers[set].forEach((l, k) => items.push({
      label: pointStyle[set].label + (k ? ' (' + (k + 1) + ')' : ''), role: set, values: l, point: pointStyle[set] })));

    const box = el('div', { class: 'chart', 'data-chart': 'law', 'data-testid': 'law-chart' });
    box.appendChild(el('h3', {}, f.y + ' against ' + f.x + ' (log–log)'));
    main.appendChild(box);
    const series = [{ label: f.x }].concat(items.map(it => it.point ? {
      label: it.label, stroke: it.point.fill, fill: it.point.fill, width: 0, paths: () => null,
      points: { show: true, size: it.point.size, fill: it.point.fill, stroke: it.role === 'heldout' ? '#fff' : it.point.fill, width: 1 },
    } : {
      label: it.label, stroke: it.style.stroke, width: it.style.width, dash: it.style.dash, spanGaps: true, points: { show: false },
    }));
    const chart = new uPlot({
      width: 900, height: 480, series: series,
      scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
      axes: [{ label: f.x + ' (log)' }, { label: f.y + ' (log)', size: 70 }],
      legend: { show: false },
      bands: [{ series: [1, 2], fill: 'rgba(255,127,14,0.18)' }],
      cursor: { drag: { x: true, y: false } },
    }, [xs].concat(items.map(it => it.values)), box);
    box.uplot = chart;
    box.setAttribute('data-series', items.map(it => it.label).join('\n'));
    box.setAttribute('data-roles', items.map(it => it.role).join('\n'));
    const legend = el('div', { class: 'controls note', 'data-testid': 'law-legend' },
      el('span', {}, el('span', { style: 'color:#1f77b4' }, '● '), 'fitted points'),
      layers.heldout.length ? el('span', {}, el('span', { style: 'color:#111' }, '● '), 'held-out points (measured after their forecasts)') : null,
      el('span', {}, el('span', { style: 'color:#d62728' }, '━ '), 'law'),
      f.extrapolation ? el('span', {}, el('span', { style: 'color:#d62728' }, '╍ '), 'extrapolation beyond the data (' + fmt(f.extrapolation[0]) + ' to ' + fmt(f.extrapolation[1]) + ')') : null,
      el('span', {}, el('span', { style: 'color:rgba(255,127,14,0.8)' }, '█ '), 'pointwise ' + Math.round(50 - pct / 2) + '–' + Math.round(50 + pct / 2) + '% bootstrap band of the law'),
      el('span', {}, el('span', { style: 'color:#999' }, '┈ '), Math.round(100 * c.predictionLevel) + '% prediction interval of a new observation'));
    main.appendChild(legend);

    main.appendChild(el('h2', {}, 'Parameters'));
    const pt = el('table', { 'data-testid': 'law-parameters' });
    pt.appendChild(el('tr', {}, ['parameter', 'value', 'SE', 'interval'].map(h => el('th', {}, h))));
    f.parameters.forEach(p => pt.appendChild(el('tr', {}, el('td', {}, p.name), el('td', { class: 'num' }, g4(p.value)),
      el('td', { class: 'num' }, g4(p.se)), el('td', {}, '[' + g4(p.lo) + ', ' + g4(p.hi) + '] at ' + Math.round(100 * p.level) + '%'))));
    main.appendChild(pt);
    const held = f.data.filter(p => p.set === 'heldout');
    if (held.length) {
      main.appendChild(el('h2', {}, 'Held-out points'));
      if (f.heldout) {
        main.appendChild(el('p', { 'data-testid': 'heldout-summary' }, f.heldout.inside + ' of ' + f.heldout.count
          + ' inside their forecast intervals; mean |log error| ' + g4(f.heldout.meanAbsLogError) + ', rms log error ' + g4(f.heldout.rmsLogError)));
      }
      const ht = el('table', { 'data-testid': 'law-heldout' });
      ht.appendChild(el('tr', {}, ['prediction', f.x, 'measured', 'forecast', 'interval', 'error', 'log error', ''].map(h => el('th', {}, h))));
      held.forEach(p => ht.appendChild(el('tr', {}, el('td', {}, String(p.id || '').slice(0, 12)), el('td', { class: 'num' }, fmt(p.x)),
        el('td', { class: 'num' }, g4(p.y)), el('td', { class: 'num' }, g4(p.forecast)),
        el('td', {}, '[' + g4(p.lo) + ', ' + g4(p.hi) + '] at ' + Math.round(100 * p.level) + '%'),
        el('td', { class: 'num' }, g4(p.error)), el('td', { class: 'num' }, g4(p.logError)), el('td', {}, p.inside ? 'inside' : 'OUTSIDE'))));
      main.appendChild(ht);
    }
    const about = Object.entries(f.about || {});
    if (about.length) {
      main.appendChild(el('h2', {}, 'About'));
      const at2 = el('table', {});
      about.forEach(([k, v]) => at2.appendChild(el('tr', {}, el('td', {}, k), el('td', {}, v))));
      main.appendChild(at2);
    }
    await new Promise(res => requestAnimationFrame(() => requestAnimationFrame(res)));
    window.vivarium.marks.lawDrawn = performance.now();
  }

  /**
   * A reliability diagram: each calibration row's stated probability (or interval level) against the observed
   * frequency, interval coverage and event bins as two marker series, with the diagonal of perfect calibration.
   * Rows with no resolved prediction are left out.
   */
  function reliabilityChart(parent, ledger) {
    const sets = [
      ['interval coverage', '#1f77b4', (ledger.intervalCoverage || [])],
      ['event probabilities', '#d62728', (ledger.eventCalibration || [])],
    ].map(([label, colour, rows]) => [label, colour, rows.filter(r => r.count > 0 && Number.isFinite(r.stated) && Number.isFinite(r.observed))]);
    const box = el('div', { class: 'chart', 'data-chart': 'calibration', 'data-testid': 'reliability' });
    box.appendChild(el('h3', {}, 'Reliability: observed frequency against stated probability'));
    parent.appendChild(box);
    if (!sets.some(s => s[2].length)) {
      box.appendChild(el('p', { class: 'note' }, 'no resolved prediction yet'));
      return null;
    }
    const xs = Array.from(new Set([0, 1].concat(sets.flatMap(s => s[2].map(r => r.stated))))).sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const series = [{ label: 'stated' }, { label: 'perfect calibration', stroke: '#999', width: 1, dash: [4, 4], points: { show: false }, spanGaps: true }];
    const data = [xs, xs.slice()];
    const labels = ['perfect calibration'];
    sets.forEach(([label, colour, rows]) => {
      const layers = [];
      rows.forEach(r => {
        let layer = layers.find(l => l[at.get(r.stated)] === null);
        if (!layer) { layer = xs.map(() => null); layers.push(layer); }
        layer[at.get(r.stated)] = r.observed;
      });
      layers.forEach((layer, k) => {
        series.push({ label: label + (k ? ' (' + (k + 1) + ')' : ''), stroke: colour, width: 0, paths: () => null,
          points: { show: true, size: 10, fill: colour, stroke: colour } });
        data.push(layer);
        labels.push(label + (k ? ' (' + (k + 1) + ')' : ''));
      });
    });
    const chart = new uPlot({
      width: 420, height: 380, series: series,
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: 'stated probability or interval level' }, { label: 'observed frequency' }],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [u => countLabels(u, sets)] },
    }, data, box);
    box.uplot = chart;
    box.setAttribute('data-series', labels.join('\n'));
    return chart;
  }

  /** Each calibration marker's count (n) written beside it. */
  function countLabels(u, sets) {
    const g = u.ctx;
    g.save();
    g.fillStyle = '#333';
    g.font = Math.round(10 * devicePixelRatio) + 'px sans-serif';
    sets.forEach(([, , rows]) => rows.forEach(r => {
      g.fillText('n=' + r.count, u.valToPos(r.stated, 'x', true) + 7 * devicePixelRatio, u.valToPos(r.observed, 'y', true) - 4 * devicePixelRatio);
    }));
    g.restore();
  }

  async function sweepPage(name, params) {
    const d = await api('sweep', { name: name });
    main.appendChild(el('h1', {}, 'Sweep ' + d.name));
    main.appendChild(el('p', { 'data-testid': 'sweep-counts' }, Object.entries(d.counts).map(([k, v]) => el('span', { class: 'pill state-' + k }, k + ' ' + v))));
    const metrics = Array.from(new Set(d.points.flatMap(p => Object.keys(p.final)))).filter(m => m !== 'wall_s').sort();
    const metric = params.get('metric') || (metrics.includes('test_acc') ? 'test_acc' : metrics[0] || '');
    const axes = d.axes.filter(a => a !== 'seed');
    const xa = params.get('x') || axes[0] || d.axes[0] || '';
    const ya = params.get('y') || axes[1] || '';
    const go = ch => {
      const p = new URLSearchParams({ metric: metric, x: xa, y: ya });
      Object.entries(ch).forEach(([k, v]) => p.set(k, v));
      location.hash = '#/sweep/' + encodeURIComponent(name) + '?' + p.toString();
    };
    const sel = (label, value, options, key, testid) => {
      const s = el('select', { 'data-testid': testid }, options.map(o => el('option', { value: o, selected: o === value }, o || '(none)')));
      s.addEventListener('change', () => go({ [key]: s.value }));
      return el('label', {}, label, s);
    };
    main.appendChild(el('div', { class: 'controls' }, sel('metric', metric, metrics, 'metric', 'sweep-metric'),
      sel('x axis', xa, d.axes, 'x', 'sweep-x'), sel('y axis', ya, [''].concat(d.axes), 'y', 'sweep-y')));

    // heatmap: the median over the points (seeds) of each (x, y) cell
    if (xa && ya && xa !== ya) {
      const xs = sortValues(Array.from(new Set(d.points.map(p => p.overrides[xa]).filter(v => v !== undefined))));
      const ys = sortValues(Array.from(new Set(d.points.map(p => p.overrides[ya]).filter(v => v !== undefined))));
      const mtx = ys.map(yv => xs.map(xv => median(d.points.filter(p => p.overrides[xa] === xv && p.overrides[ya] === yv && Number.isFinite(p.final[metric])).map(p => p.final[metric]))));
      const fig = el('div', { class: 'figure', 'data-testid': 'heatmap' });
      fig.appendChild(el('h3', {}, metric + ' (median over seeds) by ' + ya + ' (rows) and ' + xa + ' (columns)'));
      heatmap(fig, '', mtx, ys, xs, { text: true });
      main.appendChild(fig);
    }
    // a line against one axis, seeds (and every other axis) as a min–max band around the mean
    if (xa) {
      const xs = sortValues(Array.from(new Set(d.points.map(p => p.overrides[xa]).filter(v => v !== undefined))));
      const numeric = xs.every(v => !Number.isNaN(Number(v)));
      const stats = xs.map(xv => {
        const vs = d.points.filter(p => p.overrides[xa] === xv && Number.isFinite(p.final[metric])).map(p => p.final[metric]);
        return vs.length ? [vs.reduce((a, b) => a + b, 0) / vs.length, Math.min.apply(null, vs), Math.max.apply(null, vs)] : [null, null, null];
      });
      const xsNum = numeric ? xs.map(Number) : xs.map((_, i) => i);
      const box = el('div', { class: 'charts', 'data-testid': 'sweep-line' });
      main.appendChild(box);
      const positive = xsNum.every(v => v > 0);
      lineChart(box, metric + ' against ' + xa + ' (mean, min–max band)' + (numeric ? '' : ' — x: ' + xs.join(', ')), [
        { label: 'mean', curve: { step: xsNum, y: stats.map(s => s[0]) }, color: '#1f77b4', width: 2 },
        { label: 'max', curve: { step: xsNum, y: stats.map(s => s[2]) }, color: '#1f77b4', alpha: 0.3, width: 0.5 },
        { label: 'min', curve: { step: xsNum, y: stats.map(s => s[1]) }, color: '#1f77b4', alpha: 0.3, width: 0.5 },
      ], { xLabel: xa, logX: numeric && positive && xsNum.length > 2 && Math.max.apply(null, xsNum) / Math.min.apply(null, xsNum) > 20, logY: false, width: 640 },
      [{ series: [2, 3], fill: 'rgba(31,119,180,0.15)' }]);
    }
    // the points
    const t = el('table', { 'data-testid': 'points' });
    t.appendChild(el('tr', {}, el('th', {}, 'point'), el('th', {}, 'state'), el('th', {}, 'step'), d.axes.map(a => el('th', {}, a)), el('th', {}, metric)));
    d.points.forEach(p => t.appendChild(el('tr', {},
      el('td', {}, link(p.id, runHash(p.run))), el('td', { class: 'state-' + p.state }, p.state), el('td', { class: 'num' }, p.step),
      d.axes.map(a => el('td', {}, p.overrides[a] === undefined ? '' : p.overrides[a])), el('td', { class: 'num' }, fmt(p.final[metric])))));
    main.appendChild(el('h2', {}, 'Points'));
    main.appendChild(t);
    // the fits drawn on this sweep (a study's, or vivarium fit --json SWEEP/fits/NAME.json), if any
    let laws = [];
    try {
      laws = (await api('laws', {})).laws.filter(l => l.name.startsWith(name + '/')
        || (l.about && (l.about.fitSweep === name || l.about.heldoutSweep === name)));
    } catch (e) {
      laws = []; // a report of a sweep without fits carries no laws answer
    }
    if (laws.length) {
      main.appendChild(el('h2', {}, 'Laws fitted on it'));
      main.appendChild(el('p', { 'data-testid': 'sweep-laws' }, laws.map(l => el('span', { class: 'pill' },
        link(l.name, '#/laws/' + lawPath(l.name)), l.ledger ? [' · ', link('predictions', '#/predictions')] : null))));
    }
  }

  window.vivarium.smooth = smooth;
  window.vivarium.bandOf = bandOf;
  window.addEventListener('hashchange', route);
  route();
})();
