// The pages are rendered on the server; this script only draws their charts (echarts options the
// server wrote into the page as JSON) and keeps live pages current.
(function () {
  'use strict';

  function drawCharts(root) {
    if (typeof window.echarts === 'undefined') return;
    root.querySelectorAll('.chart[data-option]').forEach(function (element) {
      var source = document.getElementById(element.dataset.option);
      if (source === null) return;
      var chart = window.echarts.init(element, null, { renderer: element.dataset.renderer || 'svg' });
      chart.setOption(JSON.parse(source.textContent));
      element.dataset.drawn = 'true';
    });
  }

  function disposeCharts(root) {
    if (typeof window.echarts === 'undefined') return;
    root.querySelectorAll('.chart[data-option]').forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) chart.dispose();
    });
  }

  // Swaps in a fresh server rendering of <main>, so a live page shows exactly what a reload would.
  function refresh() {
    return fetch(window.location.href, { cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(new Error('HTTP ' + response.status));
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('main');
        var main = document.querySelector('main');
        if (fresh === null || main === null) return;
        disposeCharts(main);
        main.replaceWith(fresh);
        drawCharts(fresh);
        document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || '0') + 1);
      });
  }

  // Polls the page's JSON twin and redraws only when its version moves (an epoch landed, a run
  // started or ended); a failed poll just waits for the next one.
  function watch(url, version) {
    function poll() {
      fetch(url, { cache: 'no-store' })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          var changed = data.version !== version;
          version = data.version;
          return changed ? refresh() : undefined;
        })
        .catch(function () {})
        .then(function () {
          window.setTimeout(poll, 2000);
        });
    }
    poll();
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawCharts(document);
    if (document.body.dataset.live) watch(document.body.dataset.live, document.body.dataset.liveVersion);
    window.addEventListener('resize', function () {
      if (typeof window.echarts === 'undefined') return;
      document.querySelectorAll('.chart[data-option]').forEach(function (element) {
        var chart = window.echarts.getInstanceByDom(element);
        if (chart) chart.resize();
      });
    });
  });
})();
