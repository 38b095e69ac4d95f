/*
 * The collector's page: an overview of a scope over an acceptance period and one page per equipment, both in
 * zh-CN or en (texts in i18n.js). The view lives in the URL hash, e.g.
 * #/?lang=zh-CN&scope=pilot&profile=miit-2024-level2&from=2026-03-02&to=2026-03-08 (days of the enterprise time
 * zone, end day included) or #/equipment/IMM-01?...; period=live&window=1h is the rolling view, the only one that
 * refreshes itself. The API token stays in sessionStorage and goes with every request as a bearer token.
 * A district collector serves many enterprises: enterprise=CODE in the hash goes with every API request, and a
 * caller who sees several enterprises starts on the programme page #/programme?from=DAY&to=DAY&industry=...&sort=...
 * (one row per enterprise, each linking to its overview). Downloads (report, CSV, bundle) go through fetch with the
 * token and are saved from a blob.
 */
(function () {
  var I = window.FloorLinkI18n;
  var REFRESH_MS = 15000;
  var LIVE_WINDOWS = ['5m', '15m', '1h', '8h', '24h', '7d', '30d'];
  var TOKEN_KEY = 'floorlink.token';
  var FIGURE_ORDER = ['networking_rate', 'networking_rate_digital', 'digitalization_rate', 'key_networking_rate',
    'online_ratio', 'completeness', 'good_ratio'];
  // Scope figures that rest on facts; without any fact in the period they read "no data yet", not 0 %.
  var FACT_FIGURES = {networking_rate: 1, networking_rate_digital: 1, key_networking_rate: 1, online_ratio: 1,
    completeness: 1, good_ratio: 1};
  var BANDS = [0, 1.5, 3, 4.5, 6];
  var PROG_COLS = ['code', 'name', 'industry', 'contractor', 'production', 'networked', 'digital', 'networking_rate',
    'digitalization_rate', 'verdict', 'data_trust', 'last_data_at'];
  var PROG_FILTERS = ['programme', 'industry', 'contractor'];

  var state = null;
  var enterprise = null;
  var profiles = null;
  var timer = null;
  var generation = 0;
  // every enterprise the caller sees (rows of /api/v1/enterprises?status=all); null until asked or when refused
  var directory = null;
  var progCache = null;
  // the programme view last shown in this tab (filters, sort, period), where the overview's link leads back to
  var programmeHash = null;

  function $(id) {
    return document.getElementById(id);
  }
  function t(key, params) {
    return I.t(state.lang, key, params);
  }
  function reason(text) {
    return esc(I.reason(state.lang, text));
  }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function pctText(v) {
    return (v * 100).toFixed(1) + ' %';
  }
  function num(n) {
    return n == null ? '–' : (Math.round(n * 100) / 100).toString();
  }
  function yesNo(b) {
    return b ? '<span class="yes">' + esc(t('yes')) + '</span>' : '<span class="no">' + esc(t('no')) + '</span>';
  }
  /** yes/no for a flag where neither answer is good or bad (e.g. from buffer). */
  function plainYesNo(b) {
    return esc(b ? t('yes') : t('no'));
  }
  /** yes/no for a warning flag: yes is the bad answer (e.g. clock skew). */
  function warnYesNo(b) {
    return b ? '<span class="no">' + esc(t('yes')) + '</span>' : esc(t('no'));
  }
  function unit(u) {
    return u ? (I.has(state.lang, 'unit.' + u) ? t('unit.' + u) : u) : '';
  }

  /* ---------- dates in the enterprise time zone ---------- */

  function zoneParts(tz, date) {
    var out = {};
    new Intl.DateTimeFormat('en-US', {timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'}).formatToParts(date).forEach(function (p) {
      out[p.type] = p.value;
    });
    return out;
  }
  function offsetMinutes(tz, ms) {
    var p = zoneParts(tz, new Date(ms));
    var asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  }
  function ymdToUtcMs(ymd) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  }
  function utcMsToYmd(ms) {
    return new Date(ms).toISOString().substring(0, 10);
  }
  function addDays(ymd, n) {
    return utcMsToYmd(ymdToUtcMs(ymd) + n * 86400000);
  }
  function todayIn(tz) {
    var p = zoneParts(tz, new Date());
    return p.year + '-' + p.month + '-' + p.day;
  }
  /** Local midnight of a day in tz as an ISO instant with the zone's offset then, e.g. 2026-03-02T00:00:00+08:00. */
  function localMidnight(tz, ymd) {
    var base = ymdToUtcMs(ymd);
    var off = offsetMinutes(tz, base);
    off = offsetMinutes(tz, base - off * 60000);
    var sign = off < 0 ? '-' : '+';
    var a = Math.abs(off);
    return ymd + 'T00:00:00' + sign + String(Math.floor(a / 60)).padStart(2, '0') + ':' + String(a % 60).padStart(2, '0');
  }
  function parseDuration(text) {
    var re = /(\d+)(ms|s|m|h|d)/g;
    var total = 0;
    var m;
    var mult = {ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000};
    while ((m = re.exec(text || '')) !== null) {
      total += Number(m[1]) * mult[m[2]];
    }
    return total;
  }
  function preset(kind) {
    var today = todayIn(enterprise.timezone);
    if (kind === 'day') {
      return {from: addDays(today, -1), to: addDays(today, -1)};
    }
    if (kind === 'week') {
      var dow = new Date(ymdToUtcMs(today)).getUTCDay();
      var monday = addDays(today, -((dow + 6) % 7));
      return {from: addDays(monday, -7), to: addDays(monday, -1)};
    }
    if (kind === 'month') {
      var first = today.substring(0, 8) + '01';
      var prevLast = addDays(first, -1);
      return {from: prevLast.substring(0, 8) + '01', to: prevLast};
    }
    var days = profileDays();
    return {from: addDays(today, -days), to: addDays(today, -1)};
  }
  function currentProfile() {
    if (!profiles) {
      return null;
    }
    var id = state.profile || profiles['default'];
    return profiles.profiles.filter(function (p) { return p.id === id; })[0] || null;
  }
  function profileDays() {
    var p = currentProfile();
    var ms = p ? parseDuration(p.min_window) : 0;
    return ms > 0 ? Math.max(1, Math.ceil(ms / 86400000)) : 0;
  }

  /* ---------- the view in the URL ---------- */

  function readUrl() {
    var hash = window.location.hash.replace(/^#/, '');
    var q = hash.indexOf('?');
    var path = q >= 0 ? hash.substring(0, q) : hash;
    var hp = new URLSearchParams(q >= 0 ? hash.substring(q + 1) : '');
    var qp = new URLSearchParams(window.location.search);
    function get(name) {
      return hp.get(name) || qp.get(name);
    }
    var s = {
      lang: I.LANGS.indexOf(get('lang')) >= 0 ? get('lang') : I.pick(navigator.languages || [navigator.language]),
      scope: get('scope') || 'pilot',
      profile: get('profile') || '',
      from: get('from') || '',
      to: get('to') || '',
      window: get('window') || '1h',
      mode: get('period') === 'live' || (!get('from') && get('window')) ? 'live' : 'fixed',
      page: 'overview',
      id: null,
      enterprise: get('enterprise') || '',
      programme: get('programme') || '',
      industry: get('industry') || '',
      contractor: get('contractor') || '',
      status: ['active', 'retired', 'all'].indexOf(get('status')) >= 0 ? get('status') : 'active',
      sort: PROG_COLS.indexOf(get('sort')) >= 0 ? get('sort') : 'code',
      order: get('order') === 'desc' ? 'desc' : 'asc'
    };
    var eq = /^\/equipment\/(.+)$/.exec(path);
    if (eq) {
      s.page = 'equipment';
      s.id = decodeURIComponent(eq[1]);
    } else if (path === '/programme') {
      s.page = 'programme';
      // a window without days watches the district live (the same last hours for every enterprise)
      s.mode = get('window') && !get('from') && !get('to') ? 'live' : 'fixed';
    }
    return s;
  }
  function query(s) {
    var p = new URLSearchParams();
    p.set('lang', s.lang);
    if (s.page === 'programme') {
      (s.mode === 'live' ? ['window', 'profile'] : ['from', 'to', 'profile']).concat(PROG_FILTERS).forEach(function (k) {
        if (s[k]) {
          p.set(k, s[k]);
        }
      });
      p.set('status', s.status);
      p.set('sort', s.sort);
      p.set('order', s.order);
      return p.toString();
    }
    if (s.enterprise) {
      p.set('enterprise', s.enterprise);
    }
    p.set('scope', s.scope);
    if (s.profile) {
      p.set('profile', s.profile);
    }
    if (s.mode === 'live') {
      p.set('period', 'live');
      p.set('window', s.window);
    } else {
      p.set('from', s.from);
      p.set('to', s.to);
    }
    return p.toString();
  }
  function hashOf(s) {
    return '#/' + (s.page === 'equipment' ? 'equipment/' + encodeURIComponent(s.id) : s.page === 'programme' ? 'programme' : '') +
      '?' + query(s);
  }
  function navigate(changes) {
    var next = Object.assign({}, state, changes);
    var hash = hashOf(next);
    if (window.location.hash === hash) {
      state = next;
      render();
    } else {
      window.location.hash = hash;
    }
  }

  /* ---------- API ---------- */

  function api(path) {
    var token = sessionStorage.getItem(TOKEN_KEY);
    return fetch(path, token ? {headers: {'Authorization': 'Bearer ' + token}} : {}).then(function (r) {
      if (r.status === 401) {
        $('login').hidden = false;
      }
      return r.json().catch(function () { return {}; }).then(function (body) {
        return {ok: r.ok, status: r.status, body: body};
      });
    }, function () {
      return {ok: false, status: 0, body: {error: 'network'}};
    });
  }
  function errorHtml(res) {
    var b = res.body || {};
    var key = res.status === 0 ? 'err.network' : 'err.' + b.error;
    var text = I.has(state.lang, key) ? t(key, {parameter: b.parameter || ''}) : t('err.other', {status: res.status});
    return '<p class="error" data-error="' + esc(b.error || res.status) + '">' + esc(text) +
      (b.message ? ' <span class="meta">' + esc(t('err.serverSays', {m: b.message})) + '</span>' : '') + '</p>';
  }
  function periodParams() {
    if (state.mode === 'live') {
      return 'window=' + encodeURIComponent(state.window);
    }
    return 'from=' + encodeURIComponent(localMidnight(enterprise.timezone, state.from)) +
      '&to=' + encodeURIComponent(localMidnight(enterprise.timezone, addDays(state.to, 1)));
  }
  function commonParams() {
    return 'scope=' + encodeURIComponent(state.scope) + '&' + periodParams() +
      (state.profile ? '&profile=' + encodeURIComponent(state.profile) : '') + entParam();
  }
  /** '&enterprise=CODE' when the view is about a chosen enterprise, else nothing (a single-enterprise collector). */
  function entParam() {
    return state.enterprise ? '&enterprise=' + encodeURIComponent(state.enterprise) : '';
  }
  /** More than one enterprise visible: the programme page is the start, every other view names its enterprise. */
  function multi() {
    return directory !== null && directory.length > 1;
  }

  /* ---------- static texts and controls ---------- */

  function applyTexts() {
    document.documentElement.lang = state.lang;
    document.title = t('doc.title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('.lang-btn'), function (b) {
      b.textContent = I.NAMES[b.getAttribute('data-lang')];
      b.classList.toggle('active', b.getAttribute('data-lang') === state.lang);
    });
    var sel = $('live-window');
    sel.innerHTML = LIVE_WINDOWS.map(function (w) {
      var n = Number(w.slice(0, -1));
      var u = w.slice(-1);
      var label = w === '1h' ? t('live.h1') : t('live.' + u, {n: n});
      return '<option value="' + w + '">' + esc(label) + '</option>';
    }).join('') + (LIVE_WINDOWS.indexOf(state.window) < 0
      ? '<option value="' + esc(state.window) + '">' + esc(state.window) + '</option>' : '');
    sel.value = state.window;
    $('scope').value = state.scope;
    $('mode-live').checked = state.mode === 'live';
    $('mode-fixed').checked = state.mode === 'fixed';
    $('from-day').value = state.from;
    $('to-day').value = state.to;
    if (profiles) {
      $('profile').innerHTML = profiles.profiles.map(function (p) {
        return '<option value="' + esc(p.id) + '">' + esc(p.id + ' v' + p.version) + '</option>';
      }).join('');
      $('profile').value = state.profile || profiles['default'];
      var days = profileDays();
      $('preset-profile').hidden = days === 0;
      $('preset-profile').textContent = t('period.profileWindow', {w: days});
    }
    $('tz-note').textContent = enterprise ? t('period.tzNote', {tz: enterprise.timezone}) : '';
    $('refresh-note').textContent = state.mode === 'live' ? t('refresh.auto', {s: REFRESH_MS / 1000}) : t('refresh.fixed');
    $('permalink').href = window.location.href;
    $('controls').hidden = state.page === 'programme';
    $('nav-programme').hidden = !multi() || state.page === 'programme';
    $('nav-programme').href = programmeHash || hashOf(Object.assign({}, state, {page: 'programme', id: null}));
    $('nav-overview').hidden = state.page === 'programme' && !state.enterprise;
    $('nav-overview').href = hashOf(Object.assign({}, state, {page: 'overview', id: null}));
  }

  function schedule() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    if (state.mode === 'live') {
      timer = setInterval(load, REFRESH_MS);
    }
  }

  function render() {
    applyTexts();
    schedule();
    load();
  }

  function load() {
    var my = ++generation;
    var msg = $('message');
    if (state.page === 'programme') {
      loadProgramme().then(function (html) { show(my, html); });
      return;
    }
    if (!state.enterprise && multi()) {
      navigate({page: 'programme', id: null});
      return;
    }
    if (state.mode === 'fixed' && (!state.from || !state.to)) {
      msg.innerHTML = '<p class="error">' + esc(t('period.missing')) + '</p>';
      $('view').innerHTML = '';
      return;
    }
    if (state.mode === 'fixed' && state.from > state.to) {
      msg.innerHTML = '<p class="error">' + esc(t('period.badRange')) + '</p>';
      $('view').innerHTML = '';
      return;
    }
    if (!$('view').innerHTML) {
      $('view').innerHTML = '<p class="meta">' + esc(t('loading')) + '</p>';
    }
    var done = withEnterprise(function () {
      return state.page === 'equipment' ? loadEquipment() : loadOverview();
    });
    done.then(function (html) { show(my, html); });
  }

  /** Reads the enterprise of the view (time zone, name) when it is not the one known yet, then runs next. */
  function withEnterprise(next) {
    if (enterprise && (!state.enterprise || enterprise.code === state.enterprise)) {
      return next();
    }
    return api('/api/v1/equipment?' + entParam().substring(1)).then(function (r) {
      if (!r.ok) {
        return {error: errorHtml(r)};
      }
      enterprise = r.body.enterprise;
      return next();
    });
  }

  function show(my, html) {
    var msg = $('message');
    if (my !== generation) {
      return;
    }
    if (html.error) {
      msg.innerHTML = html.error;
      $('view').innerHTML = '';
      return;
    }
    msg.innerHTML = html.message || '';
    $('view').innerHTML = html.view;
    $('view').setAttribute('data-loaded', String(my));
    if (html.after) {
      html.after();
    }
  }

  /* ---------- overview ---------- */

  function loadOverview() {
    var p = commonParams();
    return Promise.all([api('/api/v1/indicators?' + p), api('/api/v1/evaluations?' + p)]).then(function (rs) {
      if (!rs[0].ok) {
        return {error: errorHtml(rs[0])};
      }
      return renderOverview(rs[0].body, rs[1]);
    });
  }

  function hasFacts(r) {
    return r.equipment.some(function (e) {
      return (e.online_ratio.numerator || 0) > 0 || (e.read_success.denominator || 0) > 0 ||
        (e.good_ratio.denominator || 0) > 0;
    });
  }

  function valueHtml(f, noFacts) {
    if (!f || f.value == null) {
      if (noFacts || !f || f.denominator === 0 || f.denominator == null && !f.reason) {
        return '<span class="nodata">' + esc(t('noData')) + '</span>';
      }
      return '<span class="nodata">' + esc(t('notMeasurable')) + '</span>';
    }
    if (noFacts) {
      return '<span class="nodata">' + esc(t('noData')) + '</span>';
    }
    return pctText(f.value);
  }

  /** The formula written out: numerator / denominator in words, then in numbers, and its parameters. */
  function formulaHtml(key, f) {
    var hasWords = I.has(state.lang, 'num.' + key);
    var words = hasWords ? esc(t('num.' + key)) + ' / ' + esc(t('den.' + key)) : esc(f.denominator_label);
    var numbers = f.numerator != null && f.denominator != null
      ? esc(t('formula.numbers', {num: num(f.numerator), den: num(f.denominator), unit: unit(f.unit)})) : '';
    var params = Object.keys(f.parameters || {}).filter(function (k) {
      return typeof f.parameters[k] === 'number';
    }).map(function (k) {
      return esc((I.has(state.lang, 'param.' + k) ? t('param.' + k) : k) + ' = ' + f.parameters[k]);
    }).join('; ');
    return '<div class="formula" data-formula="' + esc(f.formula) + '"><span class="meta">' + esc(t('formula.label')) +
      ' ' + esc(f.formula) + ':</span> ' + words + (numbers ? ' = <span class="numbers">' + numbers + '</span>' : '') +
      (params ? '<div class="meta">' + params + '</div>' : '') + '</div>';
  }

  function card(key, titleKey, f, noFacts, titleParams) {
    var label = f.official ? '<span class="official">' + esc(t('official')) + '</span>'
      : '<span class="variant">' + esc(t(key === 'networking_rate_digital' ? 'variantOfficial' : 'variant')) + '</span>';
    return '<div class="card" data-indicator="' + esc(key) + '"><div class="title">' + esc(t(titleKey, titleParams)) +
      ' ' + label + '</div>' +
      '<div class="v" data-raw="' + (f.value == null ? '' : f.value) + '">' + valueHtml(f, noFacts) + '</div>' +
      formulaHtml(key.indexOf('uplink') === 0 ? 'uplink_availability' : FACT_SCOPE_WORDS[key] || key, f) +
      (f.reason ? '<div class="meta reason">' + reason(f.reason) + '</div>' : '') + '</div>';
  }
  var FACT_SCOPE_WORDS = {online_ratio: 'online_ratio.scope', completeness: 'completeness.scope',
    good_ratio: 'good_ratio.scope'};

  function gapText(g, from, to) {
    var who = g.scope === 'platform' ? '' : ' (' + (g.scope === 'device' ? g.device_id : g.group_id + '/' + g.edge_node_id) + ')';
    return esc((I.has(state.lang, 'cause.' + g.cause) ? t('cause.' + g.cause) : g.cause) + who) + ' ' + esc(from) +
      ' – ' + esc(to) + (g.events > 0 ? ', ' + esc(t('trust.events', {n: g.events})) : '');
  }
  function localTime(iso) {
    if (!iso) {
      return '';
    }
    var p = zoneParts(enterprise.timezone, new Date(iso));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second;
  }
  function trustBanner(trust, count) {
    if (trust.status === 'complete') {
      return '<p class="trust-ok" data-trust="complete">' + esc(t('trust.complete')) + ' – ' +
        esc(t('trust.completeSummary')) + '</p>';
    }
    return '<div class="warn" data-trust="flagged"><b>' + esc(t('trust.flagged')) + '</b> – ' +
      esc(t('trust.flaggedSummary', {n: trust.gaps.length})) +
      (trust.not_known_seconds > 0 ? '; ' + esc(t('trust.notKnownTotal', {s: Math.round(trust.not_known_seconds)})) : '') +
      (trust.cut ? '; ' + esc(t('trust.cut')) : '') +
      '<ul>' + trust.gaps.map(function (g) {
        return '<li>' + gapText(g, localTime(g.from), localTime(g.to)) + ' – ' +
          esc(t('trust.gapEquipment', {n: g.equipment, total: count})) +
          (g.not_known_seconds > 0 ? ', ' + esc(t('trust.notKnown', {s: Math.round(g.not_known_seconds)})) : '') +
          (g.detail ? '<div class="meta">' + esc(t('trust.detail', {d: g.detail})) + '</div>' : '') + '</li>';
      }).join('') + '</ul></div>';
  }

  function windowMeta(r, profileRef) {
    var kind = I.has(state.lang, 'scopeKind.' + r.scope.kind) ? t('scopeKind.' + r.scope.kind) : r.scope.kind;
    return t('meta.window', {kind: kind, name: r.scope.name, from: localTime(r.window.from), to: localTime(r.window.to),
      tz: r.window.timezone, profile: profileRef.id, version: profileRef.version,
      at: localTime(r.computed_at)});
  }

  function renderOverview(r, evalRes) {
    var noFacts = !hasFacts(r);
    var message = r.equipment.length === 0 ? '<p class="warn">' + esc(t('msg.noEquipment')) + '</p>'
      : (r.inventory_findings.length ? '<p class="warn">' + esc(t('msg.findings')) + ': ' +
        r.inventory_findings.map(function (f) { return esc(f.equipment) + ': ' + reason(f.problem); }).join('; ') + '</p>' : '');
    $('window').textContent = windowMeta(r, r.profile) + ' | ' +
      t('meta.parameters', {on: r.parameters.theta_online, co: r.parameters.theta_complete});
    var i = r.indicators;
    var cards = FIGURE_ORDER.filter(function (k) { return i[k]; }).map(function (k) {
      return card(k, FACT_SCOPE_WORDS[k] ? 'ind.' + k + '.scope' : 'ind.' + k, i[k], noFacts && FACT_FIGURES[k]);
    }).join('') + r.uplinks.map(function (u) {
      return card('uplink_availability:' + u.edge_node_id, 'ind.uplink_availability', u.uplink_availability, false,
        {node: (u.group_id ? u.group_id + '/' : '') + u.edge_node_id});
    }).join('') + '<div class="card" data-indicator="partial_score"><div class="title">' + esc(t('ind.partial_score')) +
      '</div><div class="v">' + esc(t('card.score', {score: r.assessment2024.partial_score, max: r.assessment2024.max_partial_score})) +
      '</div><div class="meta">' + esc(t('disclaimer')) + '</div></div>';
    var view = '<h2 class="enterprise-title" id="enterprise-title" data-enterprise="' + esc(enterprise.code) + '">' +
      esc(t('enterprise.title', {name: enterprise.name || enterprise.code, code: enterprise.code})) + '</h2>' +
      downloadsHtml() +
      '<section id="trust">' + trustBanner(r.data_trust, r.equipment.length) + '</section>' +
      '<section><h2>' + esc(t('h.indicators')) + '</h2><div class="cards" id="cards">' + cards + '</div></section>' +
      assessmentHtml(r.assessment2024, i) +
      '<section id="evaluation"><h2>' + esc(t('h.evaluation')) + '</h2>' +
      (evalRes.ok ? evaluationHtml(evalRes.body) : errorHtml(evalRes)) + '</section>' +
      equipmentTableHtml(r);
    return {message: message, view: view};
  }

  function assessmentHtml(a, i) {
    var rows = a.items.map(function (it) {
      var basis;
      if (it.id === 'equipment_digitalization') {
        basis = t('basis.equipment_digitalization', {v: i.digitalization_rate.value == null ? t('noData') : pctText(i.digitalization_rate.value)});
      } else if (it.id === 'equipment_networking') {
        basis = t('basis.equipment_networking', {v: i.networking_rate.value == null ? t('noData') : pctText(i.networking_rate.value)});
      } else {
        var step = it.id.replace('data_collection.', '');
        basis = I.has(state.lang, 'basis.step.' + step) ? t('basis.step', {what: t('basis.step.' + step)}) : it.basis;
      }
      return '<tr data-item="' + esc(it.id) + '"><td>' + esc(I.has(state.lang, 'item.' + it.id) ? t('item.' + it.id) : it.name) +
        (it.official ? ' <span class="official">' + esc(t('official')) + '</span>' : '') + '</td>' +
        '<td class="points">' + esc(it.points + ' / ' + it.max_points) + '</td><td>' + esc(basis) + '</td>' +
        '<td class="meta">' + (it.evidence.length ? it.evidence.map(function (e) { return esc(localiseEvidence(e)); }).join('<br>') : esc(t('none'))) + '</td></tr>';
    }).join('');
    var dig = i.digitalization_rate.value;
    var net = i.networking_rate.value;
    function bandOf(v) {
      if (v == null || v <= 0.10 + 1e-12) { return 0; }
      if (v <= 0.20 + 1e-12) { return 1; }
      if (v <= 0.40 + 1e-12) { return 2; }
      if (v <= 0.60 + 1e-12) { return 3; }
      return 4;
    }
    var bands = BANDS.map(function (p, k) {
      return '<tr><td>' + esc(t('band.' + k)) + '</td><td>' + p + '</td>' +
        '<td class="' + (bandOf(dig) === k ? 'band-hit' : '') + '">' + (bandOf(dig) === k ? '●' : '') + '</td>' +
        '<td class="' + (bandOf(net) === k ? 'band-hit' : '') + '">' + (bandOf(net) === k ? '●' : '') + '</td></tr>';
    }).join('');
    var scenarios = a.scenarios.map(function (s) {
      return '<tr data-scenario="' + esc(s.id) + '"><td>' + esc(I.has(state.lang, 'scenario.' + s.id) ? t('scenario.' + s.id) : s.name) +
        '</td><td>' + yesNo(s.met) + '</td><td>' + reason(s.reason) + '</td></tr>';
    }).join('');
    return '<section id="assessment"><h2>' + esc(t('h.assessment')) + '</h2>' +
      '<table class="items"><thead><tr><th>' + esc(t('col.item')) + '</th><th>' + esc(t('col.points')) + '</th><th>' +
      esc(t('col.basis')) + '</th><th>' + esc(t('col.evidence')) + '</th></tr></thead><tbody>' + rows + '</tbody>' +
      '<tfoot><tr><td>' + esc(t('ind.partial_score')) + '</td><td class="points" id="partial-score">' +
      esc(a.partial_score + ' / ' + a.max_partial_score) + '</td><td colspan="2" class="meta">' + esc(t('disclaimer')) +
      '</td></tr></tfoot></table>' +
      '<h3>' + esc(t('h.bands')) + '</h3><table class="bands"><thead><tr><th>' + esc(t('col.band')) + '</th><th>' +
      esc(t('col.bandPoints')) + '</th><th>' + esc(t('col.digitalization', {v: dig == null ? t('noData') : pctText(dig)})) +
      '</th><th>' + esc(t('col.networking', {v: net == null ? t('noData') : pctText(net)})) + '</th></tr></thead><tbody>' +
      bands + '</tbody></table>' +
      '<h3>' + esc(t('h.scenarios')) + '</h3><table class="scenarios"><thead><tr><th>' + esc(t('col.scenario')) +
      '</th><th>' + esc(t('col.met')) + '</th><th>' + esc(t('col.reason')) + '</th></tr></thead><tbody>' + scenarios +
      '</tbody></table></section>';
  }
  function localiseEvidence(e) {
    var m = /^(\S+) of (\S+) production equipment declared digital$/.exec(e);
    if (m && state.lang === 'zh-CN') {
      return '生产设备 ' + m[2] + ' 台中 ' + m[1] + ' 台声明为数字化设备';
    }
    return e;
  }

  function verdictHtml(outcome) {
    return '<span class="verdict-' + esc(outcome) + '" data-verdict="' + esc(outcome) + '">' +
      esc(I.has(state.lang, 'verdict.' + outcome) ? t('verdict.' + outcome) : outcome) + '</span>';
  }
  function ruleValue(rule) {
    if (rule.value == null) {
      return esc(t('notMeasurable'));
    }
    return rule.indicator === 'partial_score' ? esc(num(rule.value)) : esc(pctText(rule.value));
  }
  function evaluationHtml(ev) {
    var head = '<p class="eval-status" data-status="' + esc(ev.status) + '">' + esc(t('eval.status', {
      profile: ev.profile.id, version: ev.profile.version, status: ''})) + verdictHtml(ev.status) + '</p>';
    var why = ev.reasons.length ? '<div class="warn"><b>' + esc(t('eval.whyCannot')) + '</b><ul>' +
      ev.reasons.map(function (x) { return '<li>' + reason(x) + '</li>'; }).join('') + '</ul></div>' : '';
    var rows = ev.rules.map(function (r) {
      var threshold = r.indicator === 'networked' && r.level !== 'scope' ? r.comparator + ' ' + r.threshold
        : r.comparator + ' ' + (r.indicator === 'partial_score' ? r.threshold : pctText(r.threshold));
      return '<tr data-rule="' + esc(r.id) + '"><td>' + esc(I.has(state.lang, 'rule.' + r.id) ? t('rule.' + r.id) : r.title) +
        '<div class="meta">' + esc(r.id) + '</div></td><td>' + esc(I.has(state.lang, 'ind.' + r.indicator) ? t('ind.' + r.indicator) : r.indicator) +
        (r.formula ? '<div class="meta">' + esc(r.formula) + '</div>' : '') + '</td>' +
        '<td>' + esc(I.has(state.lang, 'level.' + r.level) ? t('level.' + r.level) : r.level) + '</td>' +
        '<td class="value">' + ruleValue(r) + '</td><td>' + esc(threshold) + '</td><td>' + verdictHtml(r.outcome) + '</td>' +
        '<td>' + reason(r.reason) + '</td><td class="meta">' + r.evidence.map(function (e) {
          return '<a href="' + esc(equipmentHref(e.equipment)) + '">' + esc(e.equipment) + '</a>: ' +
            (e.value == null ? esc(t('notMeasurable')) : esc(r.indicator === 'networked' ? (e.value ? t('yes') : t('no')) : num(e.value))) +
            ' ' + (e.passed ? '✓' : '✗') + (e.detail ? ' – ' + reason(e.detail) : '');
        }).join('<br>') + '</td></tr>';
    }).join('');
    return head + why + (ev.rules.length ? '<table class="rules"><thead><tr><th>' + esc(t('col.rule')) + '</th><th>' +
      esc(t('col.indicator')) + '</th><th>' + esc(t('col.level')) + '</th><th>' + esc(t('col.value')) + '</th><th>' +
      esc(t('col.threshold')) + '</th><th>' + esc(t('col.verdict')) + '</th><th>' + esc(t('col.reason')) + '</th><th>' +
      esc(t('col.evidence')) + '</th></tr></thead><tbody>' + rows + '</tbody></table>' : '');
  }

  function equipmentHref(id) {
    return hashOf(Object.assign({}, state, {page: 'equipment', id: id}));
  }
  function latencyHtml(f) {
    return f.value != null ? esc(t('latency.le', {v: f.value})) : esc(t('notMeasurable'));
  }
  function cellPct(f) {
    var title = f.reason ? ' title="' + esc(I.reason(state.lang, f.reason)) + '"' : '';
    return '<span' + title + '>' + (f.value == null ? esc(f.denominator === 0 ? t('noData') : t('notMeasurable')) : pctText(f.value)) + '</span>';
  }

  function equipmentTableHtml(r) {
    var cols = ['col.equipment', 'col.line', 'col.production', 'col.digital', 'ind.online_ratio', 'ind.point_coverage',
      'ind.completeness', 'ind.networked', 'ind.read_success', 'ind.latency_p95', 'ind.good_ratio', 'ind.frozen_ratio',
      'col.pot', 'ind.oee', 'col.whyNot', 'col.gaps'];
    var formulas = {'ind.online_ratio': 'online_ratio.v1', 'ind.point_coverage': 'point_coverage.v1',
      'ind.completeness': 'completeness.v1', 'ind.networked': 'networked.v1', 'ind.read_success': 'read_success.v1',
      'ind.latency_p95': 'latency_percentile.v1', 'ind.good_ratio': 'good_ratio.v1', 'ind.frozen_ratio': 'frozen_ratio.v1',
      'ind.oee': 'oee.iso22400.v1'};
    var head = cols.map(function (c) {
      return '<th>' + esc(t(c)) + (formulas[c] ? '<br><span class="meta">' + esc(formulas[c]) + '</span>' : '') + '</th>';
    }).join('');
    var rows = r.equipment.map(function (e) {
      return '<tr data-equipment="' + esc(e.id) + '"><td><a class="eq-link" href="' + esc(equipmentHref(e.id)) + '" title="' +
        esc(t('eq.link')) + '">' + esc(e.id) + '</a><div class="meta">' + esc(e.name) + '</div></td>' +
        '<td>' + esc(e.line) + '</td><td>' + plainYesNo(e.production) + '</td><td>' + plainYesNo(e.digital) + '</td>' +
        '<td data-col="online_ratio">' + cellPct(e.online_ratio) + (e.not_known_seconds > 0 ? '<div class="gap">' +
          esc(t('trust.notKnownLeftOut', {s: Math.round(e.not_known_seconds)})) + '</div>' : '') + '</td>' +
        '<td data-col="point_coverage">' + cellPct(e.point_coverage) + '</td>' +
        '<td data-col="completeness">' + cellPct(e.completeness) + '</td>' +
        '<td data-col="networked">' + yesNo(e.networked.value) + '</td>' +
        '<td data-col="read_success">' + cellPct(e.read_success) + '</td>' +
        '<td data-col="latency_p95">' + latencyHtml(e.latency_p95) + (e.clock_skew.value ? '<div class="no">' + esc(t('clockSkew')) + '</div>' : '') + '</td>' +
        '<td data-col="good_ratio">' + cellPct(e.good_ratio) + '</td>' +
        '<td data-col="frozen_ratio">' + cellPct(e.frozen_ratio) + '</td>' +
        '<td class="pot">' + [e.power_on_ratio, e.run_ratio, e.utilisation, e.fault_ratio].map(cellPct).join(' / ') + '</td>' +
        '<td data-col="oee"' + (e.oee.reason ? ' title="' + esc(I.reason(state.lang, e.oee.reason)) + '"' : '') + '>' +
        (e.oee.value == null ? esc(t('notMeasurable')) : pctText(e.oee.value)) + '</td>' +
        '<td class="meta why">' + e.networked.reasons.map(reason).join('<br>') + '</td>' +
        '<td class="gap">' + e.data_trust.map(function (g) {
          return gapText(g, localTime(g.from), localTime(g.to)) +
            (g.not_known_seconds > 0 ? ', ' + esc(t('trust.notKnownShort', {s: Math.round(g.not_known_seconds)})) : '');
        }).join('<br>') + '</td></tr>';
    }).join('');
    return '<section id="equipment"><h2>' + esc(t('h.equipment')) + '</h2><div class="wide"><table class="equipment"><thead><tr>' + head +
      '</tr></thead><tbody id="rows">' + rows + '</tbody></table></div></section>';
  }

  /* ---------- downloads ---------- */

  var DOWNLOADS = [
    {id: 'xlsx', path: '/api/v1/reports', extra: 'format=xlsx&', name: 'report.xlsx'},
    {id: 'pdf', path: '/api/v1/reports', extra: 'format=pdf&', name: 'report.pdf'},
    {id: 'csv', path: '/api/v1/indicators', extra: 'format=csv&', name: 'indicators.csv'},
    {id: 'bundle', path: '/api/v1/bundles', extra: '', name: 'bundle.zip'}
  ];

  function downloadsHtml() {
    return '<section id="downloads" class="downloads no-print"><span class="meta">' + esc(t('dl.title')) + ':</span> ' +
      DOWNLOADS.map(function (d) {
        return '<button type="button" id="dl-' + d.id + '" data-download="' + d.id + '">' + esc(t('dl.' + d.id)) + '</button>';
      }).join('') + ' <span id="dl-status" class="meta" role="status"></span></section>';
  }

  function downloadUrl(d) {
    return d.path + '?' + d.extra + 'lang=' + encodeURIComponent(state.lang) + '&' + commonParams();
  }

  function fileNameOf(disposition) {
    var m = /filename\*=UTF-8''([^;]+)/i.exec(disposition || '');
    if (m) {
      return decodeURIComponent(m[1]);
    }
    m = /filename="?([^";]+)"?/i.exec(disposition || '');
    return m ? m[1] : null;
  }

  /**
   * Fetches url with the bearer token (a plain link cannot carry it) and saves the answer under the server's file
   * name through a temporary <a download>; a failure is written into #dl-status (or statusId).
   */
  function download(url, fallbackName, what, statusId) {
    var status = $(statusId || 'dl-status');
    var token = sessionStorage.getItem(TOKEN_KEY);
    status.className = 'meta';
    status.removeAttribute('data-error');
    status.textContent = t('dl.busy', {what: what});
    fetch(url, token ? {headers: {'Authorization': 'Bearer ' + token}} : {}).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          throw {status: r.status, body: b};
        });
      }
      var name = fileNameOf(r.headers.get('Content-Disposition')) || fallbackName;
      return r.blob().then(function (blob) { return {blob: blob, name: name}; });
    }).then(function (f) {
      var href = URL.createObjectURL(f.blob);
      var a = document.createElement('a');
      a.href = href;
      a.download = f.name;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () {
        URL.revokeObjectURL(href);
        a.remove();
      }, 60000);
      status.textContent = t('dl.done', {name: f.name});
      status.setAttribute('data-file', f.name);
    }).catch(function (e) {
      var res = e && e.status !== undefined ? e : {status: 0, body: {error: 'network'}};
      var b = res.body || {};
      var key = res.status === 0 ? 'err.network' : 'err.' + b.error;
      var why = I.has(state.lang, key) ? t(key, {parameter: b.parameter || ''}) : t('err.other', {status: res.status});
      status.className = 'error';
      status.setAttribute('data-error', b.error || String(res.status));
      status.textContent = t('dl.failed', {what: what, why: why});
    });
  }

  /* ---------- programme page ---------- */

  function progParams(withSort) {
    var p = new URLSearchParams();
    (state.mode === 'live' ? ['window', 'profile'] : ['from', 'to', 'profile']).concat(PROG_FILTERS).forEach(function (k) {
      if (state[k]) {
        p.set(k, state[k]);
      }
    });
    p.set('status', state.status);
    if (withSort) {
      p.set('sort', PROG_COLS.indexOf(state.sort) >= 0 && ['code', 'name', 'industry', 'contractor', 'networking_rate',
        'digitalization_rate', 'verdict'].indexOf(state.sort) >= 0 ? state.sort : 'code');
      p.set('order', state.order);
    }
    return p.toString();
  }

  /** The rows of the period and filters from the API (cached: sorting is done here and asks nothing). */
  function loadProgramme() {
    var url = '/api/v1/enterprises?' + progParams(false);
    // a live window moves: every refresh asks again
    var rows = progCache && progCache.url === url && state.mode !== 'live' ? Promise.resolve(progCache.res) : api(url);
    return rows.then(function (res) {
      if (!res.ok) {
        // keep the period and filters on screen so a refused choice (e.g. from after to) can be corrected
        var html = renderProgramme({count: 0, profile: {id: state.profile, version: ''}, from: state.from, to: state.to,
          enterprises: [], totals: null});
        html.message = errorHtml(res);
        return html;
      }
      progCache = {url: url, res: res};
      if (!state.from || !state.to) {
        // the API's default period: keep it in the URL so the link shows the same days
        state.from = String(res.body.from);
        state.to = String(res.body.to);
        progCache.url = '/api/v1/enterprises?' + progParams(false);
        history.replaceState(null, '', window.location.pathname + window.location.search + hashOf(state));
        $('permalink').href = window.location.href;
      }
      return renderProgramme(res.body);
    });
  }

  function sortValue(r, col) {
    switch (col) {
      case 'networking_rate':
      case 'digitalization_rate':
        return r[col] && r[col].value != null ? r[col].value : -1;
      case 'production':
      case 'networked':
      case 'digital':
        return r.counts ? r.counts[col] : -1;
      case 'industry':
        return r.industry_name || r.industry || '';
      case 'contractor':
        return r.contractor_name || r.contractor || '';
      case 'verdict':
        return r.verdict ? r.verdict.status : '';
      case 'last_data_at':
        return r.last_data_at || '';
      default:
        return r[col] == null ? '' : String(r[col]);
    }
  }

  /** As the API sorts: by the column, then by code; descending reverses both. */
  function sortRows(rows) {
    var dir = state.order === 'desc' ? -1 : 1;
    return rows.slice().sort(function (a, b) {
      var x = sortValue(a, state.sort);
      var y = sortValue(b, state.sort);
      var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      if (c === 0) {
        c = a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
      }
      return dir * c;
    });
  }

  function rateText(f) {
    return f == null || f.value == null ? '<span class="nodata">' + esc(t('noData')) + '</span>' : pctText(f.value);
  }

  function rateCell(key, f) {
    var title = f && f.numerator != null ? ' title="' + esc(num(f.numerator) + ' / ' + num(f.denominator)) + '"' : '';
    return '<td data-col="' + key + '" data-raw="' + (f && f.value != null ? f.value : '') + '"' + title + '>' + rateText(f) + '</td>';
  }

  function selectHtml(key, options) {
    var opts = key === 'status' ? ['active', 'retired', 'all'].map(function (v) {
      return '<option value="' + v + '">' + esc(t('prog.status.' + v)) + '</option>';
    }).join('') : '<option value="">' + esc(t('prog.any')) + '</option>' + options.map(function (o) {
      return '<option value="' + esc(o.value) + '">' + esc(o.label) + '</option>';
    }).join('');
    return '<label><span>' + esc(t('prog.filter.' + key)) + '</span> <select id="filter-' + key + '" data-filter="' + key + '">' +
      opts + '</select></label>';
  }

  function filterOptions(key) {
    var seen = {};
    var out = [];
    (directory || []).forEach(function (r) {
      var v = r[key];
      if (v && !seen[v]) {
        seen[v] = 1;
        out.push({value: v, label: key === 'industry' ? (r.industry_name || v) : key === 'contractor' ? (r.contractor_name || v) : v});
      }
    });
    if (state[key] && !seen[state[key]]) {
      out.push({value: state[key], label: state[key]});
    }
    return out;
  }

  function renderProgramme(body) {
    programmeHash = hashOf(state);
    $('window').textContent = body.window
      ? t('prog.countLive', {n: body.count, profile: body.profile.id, version: body.profile.version, window: body.window,
        s: REFRESH_MS / 1000})
      : t('prog.count', {n: body.count, profile: body.profile.id, version: body.profile.version, from: body.from, to: body.to});
    var live = state.mode === 'live' ? state.window : '';
    var filters = '<form id="prog-controls" class="filters no-print"><fieldset class="period"><legend>' + esc(t('prog.period')) +
      '</legend><label><span>' + esc(t('prog.from')) + '</span> <input type="date" id="prog-from" value="' + esc(state.from) + '"></label>' +
      '<label><span>' + esc(t('prog.to')) + '</span> <input type="date" id="prog-to" value="' + esc(state.to) + '"></label>' +
      '<button type="submit" id="prog-apply">' + esc(t('prog.apply')) + '</button> <label><span>' + esc(t('prog.live')) +
      '</span> <select id="prog-live"><option value="">' + esc(t('prog.liveOff')) + '</option>' +
      ['5m', '1h', '8h', '24h'].map(function (w) {
        return '<option value="' + w + '"' + (live === w ? ' selected' : '') + '>' + esc(t('prog.liveLast', {w: w})) + '</option>';
      }).join('') + '</select></label></fieldset>' +
      PROG_FILTERS.map(function (k) { return selectHtml(k, filterOptions(k)); }).join('') + selectHtml('status') +
      ' <button type="button" id="prog-csv">' + esc(t('prog.csv')) + '</button> <span id="prog-status" class="meta" role="status"></span></form>';
    var head = PROG_COLS.map(function (c) {
      var cls = 'sortable' + (state.sort === c ? ' sorted-' + state.order : '');
      return '<th class="' + cls + '" data-sort="' + c + '" title="' + esc(t('prog.sortHint')) + '">' + esc(t('prog.col.' + c)) + '</th>';
    }).join('');
    var rows = sortRows(body.enterprises).map(function (r) {
      var counts = r.counts || {};
      var pending = r.summary && !r.summary.computed_at;
      var stale = r.summary && r.summary.stale && !pending;
      var link = hashOf(Object.assign({}, state, {page: 'overview', id: null, enterprise: r.code, scope: 'pilot'}));
      return '<tr data-enterprise="' + esc(r.code) + '"><td data-col="code"><a class="ent-link" href="' + esc(link) + '" title="' +
        esc(t('prog.open', {code: r.code})) + '">' + esc(r.code) + '</a></td>' +
        '<td data-col="name"><a href="' + esc(link) + '">' + esc(r.name) + '</a></td>' +
        '<td data-col="industry">' + esc(r.industry_name || r.industry || '') + '</td>' +
        '<td data-col="contractor">' + esc(r.contractor_name || r.contractor || '') + '</td>' +
        '<td data-col="production">' + num(counts.production) + '</td>' +
        '<td data-col="networked">' + num(counts.networked) + '</td>' +
        '<td data-col="digital">' + num(counts.digital) + '</td>' +
        rateCell('networking_rate', r.networking_rate) + rateCell('digitalization_rate', r.digitalization_rate) +
        '<td data-col="verdict">' + (pending ? esc(t('prog.pending')) : verdictHtml(r.verdict.status)) +
        (stale ? ' <span class="gap" title="' + esc(t('prog.staleHint', {at: r.summary.computed_at})) + '">' +
          esc(t('prog.stale')) + '</span>' : '') + '</td>' +
        '<td data-col="data_trust" class="' + (r.data_trust === 'complete' ? 'trust-ok' : 'gap') + '">' +
        esc(I.has(state.lang, 'prog.trust.' + r.data_trust) ? t('prog.trust.' + r.data_trust) : r.data_trust) + '</td>' +
        '<td data-col="last_data_at">' + esc(r.last_data_at ? localTimeIn(r.window && r.window.timezone, r.last_data_at) : t('prog.never')) + '</td></tr>';
    }).join('');
    var tot = body.totals || {};
    var verdicts = Object.keys(tot.by_verdict || {}).map(function (k) {
      return (I.has(state.lang, 'verdict.' + k) ? t('verdict.' + k) : k) + ' ' + tot.by_verdict[k];
    }).join(', ');
    var totals = '<tr id="prog-totals"><td colspan="4">' + esc(t('prog.totals')) + '</td>' +
      '<td data-col="production">' + num((tot.networking_rate || {}).denominator) + '</td>' +
      '<td data-col="networked">' + num((tot.networking_rate || {}).numerator) + '</td>' +
      '<td data-col="digital">' + num((tot.digitalization_rate || {}).numerator) + '</td>' +
      rateCell('networking_rate', tot.networking_rate) + rateCell('digitalization_rate', tot.digitalization_rate) +
      '<td colspan="3">' + esc(t('prog.verdicts', {n: tot.enterprises, list: verdicts})) + '</td></tr>';
    var view = '<section id="programme"><h2>' + esc(t('prog.title')) + '</h2>' + filters +
      (body.enterprises.length || !body.totals ? '' : '<p class="warn">' + esc(t('prog.none')) + '</p>') +
      '<div class="wide"><table class="programme" id="programme-table"><thead><tr>' + head + '</tr></thead><tbody id="prog-rows">' +
      rows + '</tbody><tfoot>' + totals + '</tfoot></table></div><p class="meta">' + esc(t('prog.totalsNote')) + '</p></section>';
    return {view: view, after: function () {
      PROG_FILTERS.concat(['status']).forEach(function (k) { $('filter-' + k).value = state[k] || ''; });
    }};
  }

  function localTimeIn(tz, iso) {
    var p = zoneParts(tz || Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(iso));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
  }

  /* ---------- equipment page ---------- */

  function loadEquipment() {
    var id = encodeURIComponent(state.id);
    var p = periodParams() + (state.profile ? '&profile=' + encodeURIComponent(state.profile) : '') + entParam();
    var e = state.enterprise ? '?enterprise=' + encodeURIComponent(state.enterprise) : '';
    return Promise.all([api('/api/v1/equipment/' + id + e), api('/api/v1/equipment/' + id + '/indicators?' + p)]).then(function (rs) {
      if (rs[0].status === 404) {
        return {error: '<p class="error">' + esc(t('eq.notFound', {id: state.id})) + '</p>'};
      }
      if (!rs[0].ok) {
        return {error: errorHtml(rs[0])};
      }
      if (!rs[1].ok) {
        return {error: errorHtml(rs[1])};
      }
      return renderEquipment(rs[0].body, rs[1].body);
    });
  }

  function kv(key, value) {
    return '<tr><th>' + esc(t(key)) + '</th><td>' + value + '</td></tr>';
  }

  function figureRow(key, f, valueText) {
    return '<tr data-figure="' + esc(key) + '"><td>' + esc(t('ind.' + key)) + '</td><td class="v" data-raw="' +
      (f.value == null ? '' : f.value) + '">' + valueText + '</td><td>' +
      formulaHtml(key.indexOf('latency') === 0 ? 'latency' : key, f) + '</td><td class="meta">' + reason(f.reason) + '</td></tr>';
  }

  function renderEquipment(inv, e) {
    var ev = e.evidence || {};
    $('window').textContent = (state.mode === 'live' ? t('period.live') + ' ' + state.window
      : t('meta.period', {from: state.from, to: state.to, tz: enterprise.timezone})) + ' | ' +
      t('meta.parameters', {on: e.networked.parameters.theta_online, co: e.networked.parameters.theta_complete});
    var identity = '<table class="kv">' +
      kv('col.id', '<span id="eq-id">' + esc(inv.id) + '</span>') + kv('col.name', esc(inv.name)) +
      kv('col.type', esc(inv.type || '')) + kv('col.site', esc(inv.site)) + kv('col.workshop', esc(inv.workshop)) +
      kv('col.line', esc(inv.line)) + kv('col.production', plainYesNo(inv.production)) + kv('col.digital', plainYesNo(inv.digital)) +
      kv('col.key', plainYesNo(inv.key)) + kv('col.idealCycle', esc(inv.ideal_cycle_time || t('ideal.none'))) +
      kv('col.calendar', esc(inv.calendar || t('none'))) +
      kv('col.scheduled', esc(num(e.scheduled_seconds) + ' ' + t('unit.s'))) + '</table>';
    var conditions = e.networked.conditions.map(function (c) {
      return '<tr><td>' + esc(t('ind.' + c.indicator)) + '</td><td>' + (c.value == null ? esc(t('notMeasurable')) : esc(pctText(c.value))) +
        '</td><td>' + esc(c.requirement) + '</td><td>' + yesNo(c.passed) + '</td></tr>';
    }).join('');
    var networked = '<section id="networked"><h2>' + esc(t('h.networked')) + '</h2><p data-networked="' + e.networked.value + '">' +
      esc(t(e.networked.value ? 'eq.networkedYes' : 'eq.networkedNo', {id: e.id})) + '</p>' +
      (e.networked.reasons.length ? '<ul>' + e.networked.reasons.map(function (x) { return '<li>' + reason(x) + '</li>'; }).join('') + '</ul>' : '') +
      '<table><thead><tr><th>' + esc(t('col.condition')) + '</th><th>' + esc(t('col.value')) + '</th><th>' +
      esc(t('col.requirement')) + '</th><th>' + esc(t('col.passed')) + '</th></tr></thead><tbody>' + conditions + '</tbody></table></section>';
    var pct = function (f) { return f.value == null ? esc(f.denominator === 0 ? t('noData') : t('notMeasurable')) : pctText(f.value); };
    var figures = '<section id="figures"><h2>' + esc(t('h.figures')) + '</h2><table class="figures"><thead><tr><th>' +
      esc(t('col.figure')) + '</th><th>' + esc(t('col.value')) + '</th><th>' + esc(t('col.formula')) + '</th><th>' +
      esc(t('col.reason')) + '</th></tr></thead><tbody>' +
      ['online_ratio', 'point_coverage', 'completeness', 'read_success', 'good_ratio', 'frozen_ratio', 'power_on_ratio',
        'run_ratio', 'utilisation', 'fault_ratio'].map(function (k) { return figureRow(k, e[k], pct(e[k])); }).join('') +
      ['latency_p50', 'latency_p95', 'latency_p99'].map(function (k) { return figureRow(k, e[k], latencyHtml(e[k])); }).join('') +
      '<tr data-figure="oee"><td>' + esc(t('ind.oee')) + '</td><td class="v">' + (e.oee.value == null ? esc(t('notMeasurable')) : pctText(e.oee.value)) +
      '</td><td><span class="meta">' + esc(e.oee.formula) + '</span></td><td class="meta">' + reason(e.oee.reason) + '</td></tr>' +
      '<tr data-figure="clock_skew"><td>' + esc(t('ind.clock_skew')) + '</td><td>' + warnYesNo(e.clock_skew.value) + '</td><td><span class="meta">' +
      esc(e.clock_skew.formula) + '</span></td><td class="meta">' + reason(e.clock_skew.reason) + '</td></tr>' +
      '</tbody></table><p class="meta">' + esc(t('eq.completenessNote')) + ' ' + esc(t('eq.latencyNote')) + '</p></section>';
    var intervals = {};
    (inv.points || []).forEach(function (p) { intervals[p.id] = p.interval; });
    var points = '<section id="points"><h2>' + esc(t('h.points')) + '</h2><table class="points"><thead><tr>' +
      ['col.point', 'col.category', 'col.interval', 'col.covered', 'col.goodSamples', 'col.samples', 'col.bad',
        'col.expectedReads', 'col.outOfRange', 'col.frozenSeconds', 'col.increase'].map(function (c) {
        return '<th>' + esc(t(c)) + '</th>';
      }).join('') + '</tr></thead><tbody>' + (ev.points || []).map(function (p) {
        return '<tr data-point="' + esc(p.id) + '"><td>' + esc(p.id) + '</td><td>' + esc(p.category) + '</td><td>' +
          esc(intervals[p.id] || p.interval_ms + ' ' + t('unit.ms')) + '</td><td>' + yesNo(p.covered) + '</td><td>' + num(p.good_samples) +
          '</td><td>' + num(p.samples) + '</td><td>' + num(p.bad) + '</td><td>' + num(p.expected_reads) + '</td><td>' +
          num(p.out_of_range_buckets) + '</td><td>' + num(p.frozen_seconds) + '</td><td>' + num(p.increase) + '</td></tr>';
      }).join('') + '</tbody></table></section>';
    var reads = '<section id="reads"><h2>' + esc(t('h.reads')) + '</h2><table class="kv">' +
      kv('col.readsOk', num(ev.reads_ok)) + kv('col.readsFailed', num(ev.reads_failed)) +
      kv('col.expectedReads', num(ev.expected_reads)) + kv('col.rollups', reason(ev.rollups)) + '</table></section>';
    var states = ev.state_seconds ? '<section id="states"><h2>' + esc(t('h.states')) + '</h2><table class="kv">' +
      Object.keys(ev.state_seconds).map(function (s) {
        return kv(I.has(state.lang, 'state.' + s) ? 'state.' + s : s, num(ev.state_seconds[s]));
      }).join('') + '</table></section>' : '';
    var sessions = '<section id="sessions"><h2>' + esc(t('h.sessions')) + '</h2><table><thead><tr><th>' +
      esc(t('col.edgeNode')) + '</th><th>' + esc(t('col.connectedAt')) + '</th><th>' + esc(t('col.disconnectedAt')) +
      '</th><th>' + esc(t('col.endReason')) + '</th><th>' + esc(t('col.historical')) + '</th></tr></thead><tbody>' +
      (ev.sessions || []).map(function (s) {
        return '<tr><td>' + esc(s.edge_node_id) + '</td><td>' + esc(localTime(s.connected_at)) + '</td><td>' +
          esc(s.disconnected_at ? localTime(s.disconnected_at) : t('open')) + '</td><td>' + esc(s.end_reason || '') +
          '</td><td>' + plainYesNo(s.historical) + '</td></tr>';
      }).join('') + '</tbody></table></section>';
    var trust = '<section id="trust">' + trustBanner({status: e.data_trust.length ? 'flagged' : 'complete',
      gaps: e.data_trust.map(function (g) { return Object.assign({equipment: 1}, g); }),
      not_known_seconds: e.not_known_seconds}, 1) + '</section>';
    var timeline = '<section id="timeline" class="no-print-break"><h2>' + esc(t('h.timeline')) + '</h2><div id="chart"></div></section>';
    var view = '<p class="no-print"><a href="' + esc(hashOf(Object.assign({}, state, {page: 'overview', id: null}))) + '">' +
      esc(t('nav.back')) + '</a></p><h2 class="eq-title">' + esc(e.id + ' ' + e.name) + '</h2>' +
      '<section id="identity"><h2>' + esc(t('h.identity')) + '</h2>' + identity + '</section>' + trust + networked +
      figures + points + reads + states + sessions + timeline;
    return {view: view, after: function () { drawTimeline(e); }};
  }

  /** Rows of the timeline: connected, the machine states, platform gaps; each state with its colour. */
  var TIMELINE_STATES = [
    {state: 'running', color: '#0a6'},
    {state: 'idle', color: '#e6b800'},
    {state: 'setup', color: '#69c'},
    {state: 'fault', color: '#c33'},
    {state: 'off', color: '#888'}
  ];

  /**
   * Connected sessions, machine states (running / idle / setup / fault / off, from the state timeline of the
   * drill-down) and platform gaps over the period, drawn with ECharts served by the collector.
   */
  function drawTimeline(e) {
    var ev = e.evidence || {};
    withECharts(function (echarts) {
      var el = $('chart');
      if (!el) {
        return;
      }
      if (!echarts) {
        el.textContent = t('chart.unavailable');
        return;
      }
      var rows = [t('state.connected')];
      TIMELINE_STATES.forEach(function (st) { rows.push(t('state.' + st.state)); });
      var gapRow = rows.length;
      rows.push(t('state.gap'));
      var data = [];
      (ev.sessions || []).forEach(function (s) {
        data.push({value: [0, Date.parse(s.connected_at), Date.parse(s.counted_end || s.disconnected_at || new Date().toISOString())],
          itemStyle: {color: '#0a6'}});
      });
      var stateSegments = 0;
      ((ev.state_timeline || {}).segments || []).forEach(function (seg) {
        for (var i = 0; i < TIMELINE_STATES.length; i++) {
          if (TIMELINE_STATES[i].state === seg.state) {
            data.push({value: [i + 1, Date.parse(seg.from), Date.parse(seg.to)], itemStyle: {color: TIMELINE_STATES[i].color}});
            stateSegments++;
          }
        }
      });
      (e.data_trust || []).forEach(function (g) {
        data.push({value: [gapRow, Date.parse(g.from), Date.parse(g.to)], itemStyle: {color: '#d80'}});
      });
      var sched = ev.scheduled || [];
      var min = sched.length ? Date.parse(sched[0].start) : undefined;
      var max = sched.length ? Date.parse(sched[sched.length - 1].end) : undefined;
      if (chartInstance) {
        chartInstance.dispose();
      }
      // sessions and gaps reach beyond the period; draw only their part inside it
      data.forEach(function (d) {
        d.value[1] = min === undefined ? d.value[1] : Math.max(min, d.value[1]);
        d.value[2] = max === undefined ? d.value[2] : Math.min(max, d.value[2]);
      });
      var chart = echarts.init(el, null, {renderer: 'canvas', locale: state.lang === 'zh-CN' ? 'ZH' : 'EN'});
      chartInstance = chart;
      chart.setOption({
        animation: false,
        grid: {left: 110, right: 20, top: 10, bottom: 30},
        // ECharts writes the browser's local time; the axis shows the enterprise's
        xAxis: {type: 'time', min: min, max: max, axisLabel: {hideOverlap: true, formatter: function (v) {
          var p = zoneParts(enterprise.timezone, new Date(v));
          return p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
        }}},
        yAxis: {type: 'category', data: rows, inverse: true},
        series: [{
          type: 'custom',
          clip: true,
          encode: {x: [1, 2], y: 0},
          data: data,
          renderItem: function (params, api) {
            var start = api.coord([api.value(1), api.value(0)]);
            var end = api.coord([api.value(2), api.value(0)]);
            var h = api.size([0, 1])[1] * 0.6;
            return {type: 'rect', shape: {x: start[0], y: start[1] - h / 2, width: Math.max(1, end[0] - start[0]), height: h},
              style: api.style()};
          }
        }]
      });
      el.setAttribute('data-states', String(stateSegments));
      el.setAttribute('data-chart', 'drawn');
    });
  }
  var chartInstance = null;
  var echartsWaiters = null;
  function withECharts(cb) {
    if (window.echarts) {
      cb(window.echarts);
      return;
    }
    if (echartsWaiters) {
      echartsWaiters.push(cb);
      return;
    }
    echartsWaiters = [cb];
    var s = document.createElement('script');
    s.src = '/webjars/echarts/5.3.1/dist/echarts.min.js';
    s.onload = function () { echartsWaiters.forEach(function (w) { w(window.echarts); }); echartsWaiters = null; };
    s.onerror = function () { echartsWaiters.forEach(function (w) { w(null); }); echartsWaiters = null; };
    document.head.appendChild(s);
  }

  /* ---------- events and start ---------- */

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll('.lang-btn'), function (b) {
      b.addEventListener('click', function () { navigate({lang: b.getAttribute('data-lang')}); });
    });
    $('controls').addEventListener('submit', function (ev) {
      ev.preventDefault();
      navigate({mode: 'fixed', from: $('from-day').value, to: $('to-day').value, scope: $('scope').value || 'pilot'});
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-preset]'), function (b) {
      b.addEventListener('click', function () {
        var p = preset(b.getAttribute('data-preset'));
        navigate({mode: 'fixed', from: p.from, to: p.to, scope: $('scope').value || 'pilot'});
      });
    });
    $('mode-live').addEventListener('change', function () { navigate({mode: 'live', window: $('live-window').value}); });
    $('mode-fixed').addEventListener('change', function () {
      var p = state.from && state.to ? {from: state.from, to: state.to} : preset('day');
      navigate({mode: 'fixed', from: p.from, to: p.to});
    });
    $('live-window').addEventListener('change', function () { navigate({mode: 'live', window: $('live-window').value}); });
    $('profile').addEventListener('change', function () { navigate({profile: $('profile').value}); });
    $('scope').addEventListener('change', function () { navigate({scope: $('scope').value || 'pilot'}); });
    $('refresh').addEventListener('click', load);
    $('print').addEventListener('click', function () { window.print(); });
    $('login').addEventListener('submit', function (ev) {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      $('login').hidden = true;
      start();
    });
    $('view').addEventListener('click', function (ev) {
      var th = ev.target.closest('th[data-sort]');
      if (th) {
        var col = th.getAttribute('data-sort');
        navigate({sort: col, order: state.sort === col && state.order === 'asc' ? 'desc' : 'asc'});
        return;
      }
      var dl = ev.target.closest('[data-download]');
      if (dl) {
        var d = DOWNLOADS.filter(function (x) { return x.id === dl.getAttribute('data-download'); })[0];
        download(downloadUrl(d), d.name, t('dl.' + d.id));
        return;
      }
      if (ev.target.closest('#prog-csv')) {
        download('/api/v1/enterprises?format=csv&' + progParams(true), 'enterprises.csv', t('prog.csv'), 'prog-status');
      }
    });
    $('view').addEventListener('change', function (ev) {
      if (ev.target.id === 'prog-live') {
        navigate(ev.target.value ? {mode: 'live', window: ev.target.value} : {mode: 'fixed'});
        return;
      }
      var sel = ev.target.closest('select[data-filter]');
      if (sel) {
        var change = {};
        change[sel.getAttribute('data-filter')] = sel.value;
        navigate(change);
      }
    });
    $('view').addEventListener('submit', function (ev) {
      if (ev.target.id === 'prog-controls') {
        ev.preventDefault();
        navigate({mode: 'fixed', from: $('prog-from').value, to: $('prog-to').value});
      }
    });
    window.addEventListener('hashchange', function () {
      state = readUrl();
      render();
    });
  }

  /**
   * Asks which enterprises the caller sees: with several and none chosen in the URL the programme page is shown,
   * else the enterprise's view as on a single-enterprise collector.
   */
  function start() {
    var d = new Date(Date.now() - 86400000);
    var y = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
    api('/api/v1/enterprises?status=all&from=' + y + '&to=' + y).then(function (res) {
      directory = res.ok && res.body.enterprises ? res.body.enterprises : null;
      if (state.page !== 'programme' && !state.enterprise && multi()) {
        state.page = 'programme';
        state.id = null;
      }
      if (state.page !== 'programme') {
        startEnterprise();
        return;
      }
      if (!res.ok) {
        $('message').innerHTML = errorHtml(res);
        return;
      }
      Promise.all([api('/api/v1/profiles'), I.ready]).then(function (ps) {
        var p = ps[0];
        profiles = p.ok ? p.body : null;
        if (!state.profile && profiles) {
          state.profile = profiles['default'];
        }
        history.replaceState(null, '', window.location.pathname + window.location.search + hashOf(state));
        render();
      });
    });
  }

  /** Reads the enterprise time zone and the profiles, fills a missing period, then shows the view. */
  function startEnterprise() {
    var e = state.enterprise ? '?enterprise=' + encodeURIComponent(state.enterprise) : '';
    Promise.all([api('/api/v1/equipment' + e), api('/api/v1/profiles'), I.ready]).then(function (rs) {
      if (!rs[0].ok) {
        $('message').innerHTML = errorHtml(rs[0]);
        return;
      }
      enterprise = rs[0].body.enterprise;
      profiles = rs[1].ok ? rs[1].body : null;
      if (!state.profile && profiles) {
        state.profile = profiles['default'];
      }
      if (state.mode === 'fixed' && (!state.from || !state.to)) {
        var p = preset('day');
        state.from = p.from;
        state.to = p.to;
      }
      history.replaceState(null, '', window.location.pathname + window.location.search + hashOf(state));
      render();
    });
  }

  state = readUrl();
  applyTexts();
  wire();
  start();
})();
