(function () {
  var REFRESH_MS = 15000;
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function pct(f) {
    return f && f.value != null ? (f.value * 100).toFixed(1) + ' %' : 'n/a';
  }
  function num(n) {
    return n == null ? '-' : (Math.round(n * 100) / 100).toString();
  }
  function card(title, f) {
    var label = f.official ? '<span class="official">official</span>' : '<span class="variant">FloorLink definition</span>';
    return '<div class="card"><div>' + esc(title) + ' ' + label + '</div>' +
      '<div class="v">' + pct(f) + '</div>' +
      '<div class="meta">' + esc(f.formula) + ': ' + num(f.numerator) + ' / ' + num(f.denominator) + ' ' + esc(f.unit) + '</div>' +
      '<div class="meta">denominator: ' + esc(f.denominator_label) + '</div>' +
      (f.reason ? '<div class="meta">' + esc(f.reason) + '</div>' : '') + '</div>';
  }
  var CAUSES = {
    gateway_down: 'gateway down 网关停机',
    store_unreachable: 'facts store unreachable 存储不可用',
    edge_buffer_loss: 'edge buffer overflow 边缘缓存溢出',
    decode_errors: 'undecodable messages 报文解析失败',
    quarantine: 'records quarantined 记录隔离'
  };
  function cause(c) {
    return esc(CAUSES[c] || c);
  }
  function gapText(g, from, to) {
    return cause(g.cause) + ' ' + esc(from) + ' &ndash; ' + esc(to) +
      (g.scope === 'platform' ? '' : ' (' + esc(g.scope === 'device' ? g.device_id : g.group_id + '/' + g.edge_node_id) + ')') +
      (g.events > 0 ? ', ' + g.events + ' events' : '');
  }
  function trustBanner(t, count) {
    if (t.status === 'complete') {
      return '<p class="trust-ok">Data trust 数据可信度: complete &mdash; ' + esc(t.summary) + '</p>';
    }
    return '<div class="warn" data-trust="flagged"><b>Data trust 数据可信度: flagged</b> &mdash; ' + esc(t.summary) +
      '<ul>' + t.gaps.map(function (g) {
        return '<li>' + gapText(g, g.from_local, g.to_local) + ' &mdash; ' + g.equipment + ' of ' + count + ' equipment' +
          (g.not_known_seconds > 0 ? ', ' + Math.round(g.not_known_seconds) + ' s not known (left out of online ratio and completeness)' : '') +
          (g.detail ? '<div class="meta">' + esc(g.detail) + '</div>' : '') + '</li>';
      }).join('') + '</ul></div>';
  }
  var UNIT_MS = {m: 60000, h: 3600000, d: 86400000};
  function windowMs(text) {
    var m = /^(\d+)([mhd])$/.exec(text || '');
    return m ? Number(m[1]) * UNIT_MS[m[2]] : 3600000;
  }
  // A link can carry its view: /?window=5m&scope=line:L-SEW1
  var params = new URLSearchParams(window.location.search);
  if (params.get('scope')) {
    document.getElementById('scope').value = params.get('scope');
  }
  var select = document.getElementById('window-select');
  if (params.get('window')) {
    var w = params.get('window');
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === w; })) {
      select.add(new Option('last ' + w, w));
    }
    select.value = w;
  }
  function load() {
    var scope = document.getElementById('scope').value || 'pilot';
    var to = new Date();
    var from = new Date(to.getTime() - windowMs(select.value));
    var url = '/api/v1/indicators?scope=' + encodeURIComponent(scope) +
      '&from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString());
    var token = sessionStorage.getItem('floorlink.token');
    fetch(url, token ? {headers: {'Authorization': 'Bearer ' + token}} : {}).then(function (r) {
      if (r.status === 401) {
        document.getElementById('login').hidden = false;
      }
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    }).then(function (res) {
      var msg = document.getElementById('message');
      if (!res.ok) {
        msg.innerHTML = '<p class="error">' + esc(res.body.parameter ? res.body.parameter + ': ' : '') + esc(res.body.message) + '</p>';
        return;
      }
      var r = res.body;
      msg.innerHTML = r.equipment.length === 0
        ? '<p class="warn">No equipment in this scope. Configure an inventory (collector.yaml <code>inventory:</code> or <code>--inventory</code>).</p>'
        : (r.inventory_findings.length
          ? '<p class="warn">Inventory findings: ' + r.inventory_findings.map(function (f) { return esc(f.equipment + ': ' + f.problem); }).join('; ') + '</p>'
          : '');
      document.getElementById('trust').innerHTML = trustBanner(r.data_trust, r.equipment.length);
      document.getElementById('window').textContent = r.scope.kind + ' ' + r.scope.name + ' | ' +
        r.window.from_local + ' to ' + r.window.to_local + ' (' + r.window.timezone + ') | θ_online ' +
        r.parameters.theta_online + ', θ_complete ' + r.parameters.theta_complete;
      var i = r.indicators;
      document.getElementById('cards').innerHTML =
        card('Networking rate 设备联网率', i.networking_rate) +
        card('Networking rate, digital denominator (variant)', i.networking_rate_digital) +
        card('Digitalization rate 设备数字化率', i.digitalization_rate) +
        card('Online ratio (time-weighted) 在线率', i.online_ratio) +
        card('Key equipment networking rate 关键设备联网率', i.key_networking_rate) +
        card('Completeness (time-weighted) 数据完整率', i.completeness) +
        card('Good ratio (time-weighted) 数据质量', i.good_ratio) +
        r.uplinks.map(function (u) { return card('Uplink ' + u.edge_node_id + ' 链路可用率', u.uplink_availability); }).join('') +
        '<div class="card"><div class="meta">2024 partial score (evidence, never a level) — profile ' +
        esc(r.profile.id) + '</div><div><b>' + r.assessment2024.partial_score + '</b> / ' +
        r.assessment2024.max_partial_score + '</div><div class="meta">' + esc(r.assessment2024.disclaimer) + '</div></div>';
      document.getElementById('rows').innerHTML = r.equipment.map(function (e) {
        var evidence = '/api/v1/equipment/' + encodeURIComponent(e.id) + '/indicators?from=' +
          encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString());
        return '<tr><td><a href="' + esc(evidence) + '" title="facts behind the figures">' + esc(e.id) + '</a>' +
          '<div class="meta">' + esc(e.name) + '</div></td>' +
          '<td>' + esc(e.line) + '</td><td>' + (e.production ? 'yes' : 'no') + '</td><td>' + (e.digital ? 'yes' : 'no') + '</td>' +
          '<td>' + pct(e.online_ratio) + (e.not_known_seconds > 0 ? '<div class="gap">' + Math.round(e.not_known_seconds) + ' s not known, left out</div>' : '') + '</td><td>' + pct(e.point_coverage) + '</td><td>' + pct(e.completeness) + '</td>' +
          '<td class="' + (e.networked.value ? 'yes">yes' : 'no">no') + '</td>' +
          '<td>' + pct(e.read_success) + '</td>' +
          '<td>' + (e.latency_p95.value != null ? '&le; ' + e.latency_p95.value + ' ms' : 'n/a') +
          (e.clock_skew.value ? '<div class="no">clock skew</div>' : '') + '</td>' +
          '<td title="' + esc(e.good_ratio.reason) + '">' + pct(e.good_ratio) + '</td>' +
          '<td>' + pct(e.frozen_ratio) + '</td>' +
          '<td title="' + esc(e.power_on_ratio.reason) + '">' + [e.power_on_ratio, e.run_ratio, e.utilisation, e.fault_ratio].map(pct).join(' / ') + '</td>' +
          '<td title="' + esc(e.oee.reason) + '">' + pct(e.oee) + '</td>' +
          '<td class="meta">' + e.networked.reasons.map(esc).join('<br>') + '</td>' +
          '<td class="gap">' + e.data_trust.map(function (g) {
            return gapText(g, new Date(g.from).toLocaleString(), new Date(g.to).toLocaleString()) +
              (g.not_known_seconds > 0 ? ', ' + Math.round(g.not_known_seconds) + ' s not known' : '');
          }).join('<br>') + '</td></tr>';
      }).join('');
    }).catch(function (err) {
      document.getElementById('message').innerHTML = '<p class="error">' + esc(err) + '</p>';
    });
  }
  document.getElementById('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    sessionStorage.setItem('floorlink.token', document.getElementById('token').value.trim());
    document.getElementById('token').value = '';
    document.getElementById('login').hidden = true;
    load();
  });
  document.getElementById('refresh').addEventListener('click', load);
  select.addEventListener('change', load);
  load();
  setInterval(load, REFRESH_MS);
})();
