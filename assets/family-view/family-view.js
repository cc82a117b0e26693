// The family view's page script: reads who is looking (Telegram's initData, or a signed link) from the URL
// fragment, asks the server for the elder's week, and draws it with plain DOM calls (text is never parsed as
// HTML; only the server-drawn chart SVG is inserted as markup).
(function () {
  'use strict';
  var MARKS = {
    taken: { symbol: '✓', word: 'taken' },
    late: { symbol: '✓', word: 'taken late' },
    skipped: { symbol: '–', word: 'skipped' },
    missed: { symbol: '✗', word: 'missed' },
    pending: { symbol: '?', word: 'not answered yet' },
    'to-come': { symbol: '', word: 'still to come' },
  };
  var REFUSED = "This page can't be shown. Open it again from the chat with the assistant, or send /view there for a new link.";
  var app = document.getElementById('app');
  var statusLine = document.getElementById('status');

  // ---- Who is looking: Telegram puts #tgWebAppData=… (and the theme) in the fragment; a signed link #link=….
  var fragment = new URLSearchParams(location.hash.slice(1));
  var store = window.sessionStorage;
  function remember(key, value) {
    try {
      if (value) store.setItem(key, value);
      return value || store.getItem(key);
    } catch (e) {
      return value;
    }
  }
  function forget(key) {
    try {
      store.removeItem(key);
    } catch (e) {
      /* nothing kept */
    }
  }
  // What came with this opening wins over what an earlier one left in this tab.
  if (fragment.get('tgWebAppData')) forget('viewLink');
  else if (fragment.get('link')) forget('tgWebAppData');
  var initData = remember('tgWebAppData', fragment.get('tgWebAppData'));
  var link = remember('viewLink', fragment.get('link'));
  var theme = remember('tgWebAppThemeParams', fragment.get('tgWebAppThemeParams'));
  // The proof stays in this tab only: off the address bar, out of anything copied or shared from it.
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  var elderId = new URLSearchParams(location.search).get('elder');
  var authorization = initData ? 'tma ' + initData : link ? 'Link ' + link : null;

  // ---- Telegram's theme (themeParams) and the Mini App bridge, without Telegram's script.
  function hexOk(value) {
    return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
  }
  function luminance(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function applyTheme(params) {
    if (!params || typeof params !== 'object') return;
    var root = document.documentElement;
    var names = { bg_color: '--bg', text_color: '--text', hint_color: '--hint', link_color: '--link', button_color: '--button', button_text_color: '--button-text', secondary_bg_color: '--card' };
    Object.keys(names).forEach(function (key) {
      if (hexOk(params[key])) root.style.setProperty(names[key], params[key]);
    });
    if (hexOk(params.bg_color)) root.setAttribute('data-theme', luminance(params.bg_color) < 0.2 ? 'dark' : 'light');
  }
  try {
    applyTheme(JSON.parse(theme || 'null'));
  } catch (e) {
    /* a theme we cannot read leaves the defaults */
  }
  function postEvent(type, data) {
    var payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, payload);
      else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), '*');
    } catch (e) {
      /* outside Telegram there is nobody to tell */
    }
  }
  function receiveEvent(type, data) {
    if (type === 'theme_changed' && data) applyTheme(data.theme_params);
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = window.Telegram.WebView || { receiveEvent: receiveEvent };
  window.addEventListener('message', function (event) {
    try {
      var message = JSON.parse(event.data);
      receiveEvent(message.eventType, message.eventData);
    } catch (e) {
      /* not Telegram's */
    }
  });

  // ---- Small DOM helpers: text only.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function say(text) {
    statusLine.textContent = text;
    statusLine.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () {
      statusLine.hidden = true;
    }, 6000);
  }
  function showNotice(text) {
    app.replaceChildren(el('p', { className: 'notice', text: text }));
  }

  // ---- Talking to the server.
  function apiUrl(path) {
    return 'api/' + path + (elderId ? '?elder=' + encodeURIComponent(elderId) : '');
  }
  function call(path, body) {
    var options = { headers: { authorization: authorization }, cache: 'no-store' };
    if (body) {
      options.method = 'POST';
      options.headers['content-type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(apiUrl(path), options).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(json && json.message ? json.message : REFUSED);
        return json;
      });
    });
  }

  // ---- The confirm step before anything changes.
  var dialog = document.getElementById('confirm');
  function confirmThen(question, yes, action) {
    // Web views without <dialog> (iOS before 15.4) ask with the system's own box.
    if (typeof dialog.showModal !== 'function') {
      if (window.confirm(question)) action();
      return;
    }
    document.getElementById('confirm-text').textContent = question;
    document.getElementById('confirm-yes').textContent = yes;
    dialog.returnValue = '';
    dialog.onclose = function () {
      if (dialog.returnValue === 'yes') action();
    };
    dialog.showModal();
  }
  function act(button, path, body) {
    button.disabled = true;
    call(path, body)
      .then(function (result) {
        say(result.message);
        return load();
      })
      .catch(function (err) {
        say(err.message);
        button.disabled = false;
      });
  }

  // ---- Drawing the week.
  function markNode(mark, time) {
    var info = MARKS[mark];
    return el('span', { className: 'mark ' + mark, 'data-mark': mark, 'data-time': time, title: time + ' ' + info.word, 'aria-hidden': 'true' }, [el('b', { text: info.symbol })]);
  }
  function header(data) {
    var week = data.week;
    var nodes = [el('h1', { text: week.elder.name + "'s week" }), el('p', { className: 'hint', text: 'As of ' + week.asOf })];
    if (data.viewer.others.length > 0) {
      nodes.push(
        el(
          'p',
          { className: 'switch' },
          data.viewer.others.map(function (other) {
            return el('a', { href: '?elder=' + encodeURIComponent(other.id), text: 'See ' + other.name.split(' ')[0] + "'s week" });
          }),
        ),
      );
    }
    return nodes;
  }
  function adherence(week) {
    var a = week.adherence;
    var rest = [];
    if (a.late) rest.push(a.late + ' late');
    if (a.missed) rest.push(a.missed + ' missed');
    if (a.skipped) rest.push(a.skipped + ' skipped');
    return el('div', { className: 'adherence', id: 'adherence' }, [
      el('span', { className: 'percent', text: a.percent === null ? '–' : a.percent + '%' }),
      el('span', { className: 'words', text: a.title + (rest.length ? ' (' + rest.join(', ') + ').' : '.') }),
    ]);
  }
  function medicineButton(data, medicine) {
    if (!data.viewer.changeMedicines || medicine.status === 'stopped') return null;
    var pause = medicine.status === 'active';
    var button = el('button', { type: 'button', className: 'secondary', 'data-action': pause ? 'pause' : 'resume', 'data-schedule': medicine.scheduleId, text: pause ? 'Pause' : 'Resume' });
    var who = data.week.elder.firstName;
    button.addEventListener('click', function () {
      confirmThen(
        pause ? 'Pause ' + medicine.name + '? ' + who + " won't get reminders for it until it is resumed." : 'Start ' + medicine.name + ' again, at ' + medicine.times.join(', ') + '?',
        pause ? 'Yes, pause it' : 'Yes, resume it',
        function () {
          act(button, 'medicines/' + medicine.scheduleId, { change: pause ? 'pause' : 'resume', confirmed: true });
        },
      );
    });
    return button;
  }
  function grid(data) {
    var week = data.week;
    var table = el('table', { className: 'grid', id: 'dose-grid' });
    table.appendChild(el('caption', { className: 'sr', text: 'Doses per medicine, the last seven days and today' }));
    table.appendChild(
      el('thead', {}, [
        el(
          'tr',
          {},
          week.days.map(function (day) {
            var parts = day.short.split(' ');
            return el('th', { scope: 'col', className: day.today ? 'today' : '', abbr: day.long }, [day.today ? 'Today' : parts[0], el('span', { text: parts[1] })]);
          }),
        ),
      ]),
    );
    week.medicines.forEach(function (medicine) {
      var name = el('div', {}, [
        el('div', { text: medicine.name }),
        el('div', { className: 'times', text: medicine.times.join(', ') }),
        medicine.status === 'paused' ? el('div', { className: 'paused', text: 'Paused' }) : null,
      ]);
      var head = el('th', { colspan: String(week.days.length), scope: 'rowgroup' }, [el('div', { className: 'med-head' }, [name, medicineButton(data, medicine)])]);
      var cells = medicine.days.map(function (doses, i) {
        var day = week.days[i];
        var words = doses.length
          ? doses
              .map(function (d) {
                return d.time + ' ' + MARKS[d.mark].word;
              })
              .join(', ')
          : 'no doses';
        var cell = el('td', { className: day.today ? 'today' : '', 'data-date': day.date, 'data-medicine': medicine.name }, [el('span', { className: 'sr', text: day.long + ': ' + words })]);
        if (doses.length === 0) cell.appendChild(el('span', { className: 'none', 'aria-hidden': 'true', text: '·' }));
        doses.forEach(function (d) {
          cell.appendChild(markNode(d.mark, d.time));
        });
        return cell;
      });
      table.appendChild(el('tbody', { 'data-schedule': medicine.scheduleId }, [el('tr', {}, [head]), el('tr', {}, cells)]));
    });
    return table;
  }
  function legend() {
    return el(
      'ul',
      { className: 'legend' },
      Object.keys(MARKS).map(function (mark) {
        return el('li', {}, [markNode(mark, ''), MARKS[mark].word.charAt(0).toUpperCase() + MARKS[mark].word.slice(1)]);
      }),
    );
  }
  function doses(data) {
    var week = data.week;
    var section = el('section', { id: 'doses', 'aria-labelledby': 'doses-title' }, [el('h2', { id: 'doses-title', text: 'Medicines' }), adherence(week)]);
    if (week.medicines.length === 0) {
      section.appendChild(el('p', { text: 'No medicines are set up.' }));
      return section;
    }
    section.appendChild(grid(data));
    section.appendChild(legend());
    var chart = el('figure', { className: 'chart', id: 'week-chart' });
    // Drawn by the server (Vega) from the same description as the chart sent to the family; its text is escaped there.
    chart.innerHTML = week.chartSvg;
    var svg = chart.querySelector('svg');
    if (svg) {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', week.adherence.title);
    }
    section.appendChild(chart);
    return section;
  }
  function coming(week) {
    var section = el('section', { id: 'coming', 'aria-labelledby': 'coming-title' }, [el('h2', { id: 'coming-title', text: 'Coming up' })]);
    week.coming.forEach(function (day) {
      section.appendChild(el('h3', { text: day.label }));
      if (day.items.length === 0) {
        section.appendChild(el('p', { className: 'hint', text: 'Nothing planned.' }));
        return;
      }
      section.appendChild(
        el(
          'ul',
          { className: 'plain' },
          day.items.map(function (item) {
            return el('li', { 'data-kind': item.kind }, [el('span', { className: 'time', text: item.time }), item.text, item.detail ? el('span', { className: 'detail', text: item.detail }) : null]);
          }),
        ),
      );
    });
    return section;
  }
  function activities(week) {
    var section = el('section', { id: 'activities', 'aria-labelledby': 'activities-title' }, [el('h2', { id: 'activities-title', text: 'What ' + week.elder.firstName + ' shared' })]);
    if (week.activities.length === 0) {
      section.appendChild(el('p', { className: 'hint', text: 'Nothing shared in the last seven days.' }));
      return section;
    }
    section.appendChild(
      el(
        'ul',
        { className: 'plain' },
        week.activities.map(function (a) {
          return el('li', {}, [
            el('p', { text: a.text }),
            el('p', { className: 'hint', text: a.at }),
            a.replies.length
              ? el(
                  'ul',
                  { className: 'replies' },
                  a.replies.map(function (r) {
                    return el('li', { text: r });
                  }),
                )
              : null,
          ]);
        }),
      ),
    );
    return section;
  }
  function alerts(data) {
    var week = data.week;
    var section = el('section', { id: 'alerts', 'aria-labelledby': 'alerts-title' }, [el('h2', { id: 'alerts-title', text: 'Alerts' })]);
    if (week.alerts.length === 0) {
      section.appendChild(el('p', { className: 'hint', text: 'No alerts in the last seven days.' }));
      return section;
    }
    week.alerts.forEach(function (alert) {
      var state =
        alert.status === 'open'
          ? 'Open: nobody has said they are on it yet.'
          : (alert.acknowledgedBy || 'Someone') + ' is on it' + (alert.acknowledgedAt ? ', since ' + alert.acknowledgedAt : '') + '.';
      var box = el('div', { className: 'alert ' + alert.status, 'data-alert': alert.id }, [
        el('p', { className: 'what', text: alert.description }),
        el('p', { className: 'hint', text: 'Raised ' + alert.raisedAt }),
        el('p', { className: 'state', text: state }),
      ]);
      if (alert.status === 'open' && data.viewer.acknowledgeAlerts) {
        var button = el('button', { type: 'button', className: 'primary', 'data-action': 'acknowledge', text: "I'm on it" });
        button.addEventListener('click', function () {
          confirmThen('Tell ' + week.elder.firstName + ' and the family that you are dealing with "' + alert.description + '"?', "Yes, I'm on it", function () {
            act(button, 'alerts/' + alert.id + '/acknowledge', { confirmed: true });
          });
        });
        box.appendChild(button);
      }
      section.appendChild(box);
    });
    return section;
  }
  function draw(data) {
    var week = data.week;
    document.title = week.elder.name + "'s week";
    var open = week.alerts.filter(function (a) {
      return a.status === 'open';
    });
    var parts = header(data);
    // An open alert comes first; the rest in the order the family asked for.
    if (open.length) parts.push(alerts(data));
    parts.push(doses(data), coming(week), activities(week));
    if (!open.length) parts.push(alerts(data));
    app.replaceChildren.apply(app, parts);
    app.setAttribute('data-ready', 'true');
    // For measuring: when the week was first on screen.
    if (performance.mark && !performance.getEntriesByName('family-view-drawn').length) performance.mark('family-view-drawn');
  }
  function load() {
    return call('week').then(draw);
  }

  postEvent('web_app_ready');
  postEvent('web_app_expand');
  if (!authorization) {
    showNotice(REFUSED);
    return;
  }
  load().catch(function (err) {
    showNotice(err.message || REFUSED);
  });
})();
