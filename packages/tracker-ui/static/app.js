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

  // The leaderboard's compare selection lives in sessionStorage per experiment, so ticks survive
  // paging, sorting and filtering; a compare with fewer than two (or too many) is refused in place.
  function keepSelection(form) {
    var key = 'tlab-compare:' + window.location.pathname;
    var button = document.querySelector('button[form="compare"]');
    var message = document.querySelector('.compare-message');
    var max = Number(button.dataset.max);
    var selected = [];
    try {
      selected = JSON.parse(window.sessionStorage.getItem(key) || '[]');
    } catch {
      // A hand-edited or foreign value: start from nothing ticked.
      selected = [];
    }
    function save() {
      window.sessionStorage.setItem(key, JSON.stringify(selected));
      button.textContent = 'Compare selected (' + selected.length + ' of 2–' + max + ')';
    }
    document.querySelectorAll('input[type="checkbox"][form="compare"]').forEach(function (box) {
      box.checked = selected.indexOf(box.value) >= 0;
      box.addEventListener('change', function () {
        selected = selected.filter(function (value) {
          return value !== box.value;
        });
        if (box.checked) selected.push(box.value);
        message.hidden = true;
        save();
      });
    });
    form.addEventListener('submit', function (event) {
      if (selected.length < 2 || selected.length > max) {
        event.preventDefault();
        message.textContent = 'Tick 2 to ' + max + ' rows to compare; ' + selected.length + ' ticked.';
        message.hidden = false;
        return;
      }
      // Rows ticked on other pages travel as hidden values; this page's boxes send their own.
      form.querySelectorAll('input[type="hidden"][name="run"]').forEach(function (input) {
        input.remove();
      });
      selected.forEach(function (value) {
        if (document.querySelector('input[type="checkbox"][form="compare"][value="' + CSS.escape(value) + '"]')) return;
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'run';
        input.value = value;
        form.appendChild(input);
      });
    });
    save();
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawCharts(document);
    var compare = document.getElementById('compare');
    if (compare !== null && document.querySelector('button[form="compare"]') !== null) keepSelection(compare);
    // A choice that changes the view (rows per page) applies at once; without the script, the form's button applies it.
    document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
      select.addEventListener('change', function () {
        select.form.requestSubmit();
      });
    });
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
