// Site search. The box in the header reads the index in search/ (built with the site, see
// src/search/) and lists the declarations that match, as links. No server is involved, and
// without JavaScript the box stays hidden while the year pages still list every declaration.
//
// A query is split on white space into terms that must all match. For each term the script looks
// up a few of its index terms (a Chinese character, pairs of them, or Latin words, cut exactly as
// src/search/terms.rs cuts the text), intersects the declarations they list, ranks matches in
// 项目名称 first, then newer years, then page order, and confirms each result against its text
// before showing it with the match highlighted. A query fetches at most six index files: the
// catalog (once per page), up to three postings files, and the fragment files of the results it
// shows; "显示更多结果" fetches more. Content is put on the page with textContent only.
(function () {
  'use strict';
  var form = document.querySelector('form.search[data-root]');
  if (!form || !window.fetch || !window.TextEncoder || !window.Map) return;
  var input = form.querySelector('input[type="search"]');
  var yearSelect = form.querySelector('select');
  var status = form.querySelector('.search-status');
  var output = form.querySelector('.search-results');
  if (!input || !status || !output) return;
  var root = form.getAttribute('data-root') || '';
  var base = new URL(root + 'search/', document.baseURI).href;

  var FORMAT = 1;
  var MAX_FILES = 6;
  var MAX_POSTING_FILES = 3;
  var MORE_FILES = 4;
  var PAGE = 20;
  var KEEP_FILES = 64;
  var WORD;
  try {
    WORD = new RegExp('[\\p{Alphabetic}\\p{N}]', 'u');
  } catch (e) {
    WORD = /[A-Za-z0-9]/;
  }
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var catalog = null;
  var catalogPaid = false;
  var files = new Map();
  var ticket = 0;
  var timer = null;
  var state = null;
  var lastAsked = null;

  // ---- terms: the rules of src/search/terms.rs -------------------------------------------------

  function normalizeUnit(c) {
    if (c >= 0xff01 && c <= 0xff5e) c = c - 0xff01 + 0x21;
    else if (c === 0x3000) c = 0x20;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    return c;
  }

  // One UTF-16 unit for one: offsets in the result are offsets in the original text.
  function normalize(text) {
    return text.replace(/[\uff01-\uff5e\u3000A-Z]/g, function (ch) {
      return String.fromCharCode(normalizeUnit(ch.charCodeAt(0)));
    });
  }

  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
  }

  function isWord(cp) {
    return cp !== undefined && !isHan(cp) && WORD.test(String.fromCodePoint(cp));
  }

  // Runs of Han characters and of word characters in normalized text.
  function runs(text) {
    var out = [];
    var current = null;
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      var kind = isHan(cp) ? 'han' : isWord(cp) ? 'word' : null;
      if (!kind) { current = null; continue; }
      if (!current || current.kind !== kind) {
        current = { kind: kind, chars: [] };
        out.push(current);
      }
      current.chars.push(ch);
    }
    return out;
  }

  // The index terms to look up for a query term, most telling first: whole words, the first and
  // last pair of each Chinese run, its other pairs, lone characters.
  function probesOf(term) {
    var words = [], ends = [], inner = [], single = [];
    runs(term).forEach(function (run) {
      var chars = run.chars;
      if (run.kind === 'word') words.push(chars.join(''));
      else if (chars.length === 1) single.push(chars[0]);
      else {
        for (var i = 0; i + 1 < chars.length; i++) {
          var pair = chars[i] + chars[i + 1];
          (i === 0 || i + 2 === chars.length ? ends : inner).push(pair);
        }
      }
    });
    words.sort(function (a, b) { return b.length - a.length; });
    var seen = new Set();
    return words.concat(ends, inner, single).filter(function (t) {
      return !seen.has(t) && seen.add(t);
    });
  }

  function hash(text) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(text);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  // ---- index files --------------------------------------------------------------------------

  function url(path) {
    return base + path + '?v=' + encodeURIComponent(catalog ? catalog.id : '');
  }

  // Every file is fetched once per page; `budget` counts the fetches a query may still make.
  function load(path, kind, budget) {
    if (files.has(path)) return files.get(path);
    if (budget) budget.left--;
    var promise = fetch(url(path)).then(function (response) {
      if (!response.ok) throw new Error(path + ': ' + response.status);
      return kind === 'json' ? response.json() : response.arrayBuffer().then(parsePostings);
    });
    promise.catch(function () { files.delete(path); });
    files.set(path, promise);
    // Keep the most recent files only (a Map iterates in insertion order).
    while (files.size > KEEP_FILES) files.delete(files.keys().next().value);
    return promise;
  }

  function loadCatalog() {
    if (!catalog) {
      catalog = fetch(base + 'catalog.json', { cache: 'no-cache' }).then(function (response) {
        if (!response.ok) throw new Error('catalog: ' + response.status);
        return response.json();
      }).then(function (data) {
        if (data.format !== FORMAT) throw new Error('index format ' + data.format);
        catalog = data;
        return data;
      }, function (err) {
        catalog = null;
        throw err;
      });
    }
    return Promise.resolve(catalog);
  }

  function readVarint(bytes, cursor) {
    var value = 0, scale = 1, b;
    do {
      if (cursor.at >= bytes.length) throw new Error('truncated index file');
      b = bytes[cursor.at++];
      value += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    return value;
  }

  // A postings file: term → [{year index, start, end}] over its bytes (see src/search/publish.rs).
  function parsePostings(buffer) {
    var bytes = new Uint8Array(buffer);
    var cursor = { at: 0 };
    var terms = new Map();
    var count = readVarint(bytes, cursor);
    for (var t = 0; t < count; t++) {
      var length = readVarint(bytes, cursor);
      var text = decoder.decode(bytes.subarray(cursor.at, cursor.at + length));
      cursor.at += length;
      var sections = [];
      var years = readVarint(bytes, cursor);
      for (var s = 0; s < years; s++) {
        var year = readVarint(bytes, cursor);
        var docs = readVarint(bytes, cursor);
        var size = readVarint(bytes, cursor);
        sections.push({ year: year, count: docs, start: cursor.at, end: cursor.at + size });
        cursor.at += size;
      }
      terms.set(text, sections);
    }
    return { bytes: bytes, terms: terms };
  }

  // A term's declarations in one year, ascending, with 1 where it is in 项目名称.
  function postings(file, term, yearIndex) {
    var section = (file.terms.get(term) || []).filter(function (x) { return x.year === yearIndex; })[0];
    if (!section) return { docs: new Uint32Array(0), names: new Uint8Array(0) };
    var docs = new Uint32Array(section.count);
    var names = new Uint8Array(section.count);
    var bytes = file.bytes.subarray(0, section.end);
    var cursor = { at: section.start };
    var doc = 0;
    for (var i = 0; i < section.count; i++) {
      var value = readVarint(bytes, cursor);
      doc += Math.floor(value / 2);
      docs[i] = doc;
      names[i] = value % 2;
    }
    return { docs: docs, names: names };
  }

  function postingsPath(term) {
    var bits = catalog.bucketBits;
    var bucket = bits === 0 ? 0 : hash(term) >>> (32 - bits);
    var width = Math.max(1, Math.ceil(bits / 4));
    return 'postings/' + bucket.toString(16).padStart(width, '0') + '.bin';
  }

  // ---- matching -----------------------------------------------------------------------------

  function parseQuery(text) {
    var seen = new Set();
    return normalize(text).split(/\s+/).filter(function (term) {
      return term && !seen.has(term) && seen.add(term);
    }).slice(0, 10).map(function (term) {
      var probes = probesOf(term);
      return {
        text: term,
        probes: probes,
        // One index term that is the whole query term: the postings alone are the answer.
        exact: probes.length === 1 && probes[0] === term,
        startsWord: isWord(term.codePointAt(0)),
        endsWord: isWord(lastCodePoint(term)),
      };
    });
  }

  function lastCodePoint(text) {
    var chars = Array.from(text);
    return chars.length ? chars[chars.length - 1].codePointAt(0) : undefined;
  }

  // Which index terms to fetch: every query term's best one first, then the next best, while
  // the postings files stay within MAX_POSTING_FILES (files already here are free).
  function choose(terms, budget) {
    var paths = new Set();
    var chosen = terms.map(function () { return []; });
    for (var round = 0; round < 8; round++) {
      terms.forEach(function (term, index) {
        var probe = term.probes[round];
        if (probe === undefined) return;
        var path = postingsPath(probe);
        if (!paths.has(path) && !files.has(path)) {
          if (paths.size >= MAX_POSTING_FILES) return;
          paths.add(path);
        }
        chosen[index].push({ term: probe, path: path });
      });
    }
    return chosen.map(function (probes) {
      return probes.map(function (probe) {
        return load(probe.path, 'bin', budget).then(function (file) {
          probe.file = file;
          return probe;
        });
      });
    });
  }

  // Candidates: the declarations holding every chosen index term, in groups of one year and one
  // score (the number of query terms found in 项目名称), best group first; within a group, page
  // order, which is the postings' order, so nothing needs sorting.
  function candidates(chosen, scope) {
    var probes = [], termMasks = [];
    chosen.forEach(function (termProbes) {
      var mask = 0;
      termProbes.forEach(function (probe) {
        if (probes.length < 30) {
          mask |= 1 << probes.length;
          probes.push(probe);
        }
      });
      termMasks.push(mask);
    });
    var groups = [];
    catalog.years.forEach(function (info, yearIndex) {
      if ((scope && info.year !== scope) || !probes.length) return;
      var lists = probes.map(function (probe, bit) {
        var list = postings(probe.file, probe.term, yearIndex);
        list.bit = bit;
        return list;
      }).sort(function (a, b) { return a.docs.length - b.docs.length; });
      var docs = lists[0].docs;
      var masks = new Uint32Array(docs.length);
      for (var i = 0; i < docs.length; i++) masks[i] = lists[0].names[i] << lists[0].bit;
      var count = docs.length;
      for (var l = 1; l < lists.length && count; l++) {
        var other = lists[l], j = 0, kept = 0;
        for (var k = 0; k < count; k++) {
          while (j < other.docs.length && other.docs[j] < docs[k]) j++;
          if (j < other.docs.length && other.docs[j] === docs[k]) {
            docs[kept] = docs[k];
            masks[kept++] = masks[k] | (other.names[j] << other.bit);
          }
        }
        count = kept;
      }
      var byScore = termMasks.map(function () { return []; }).concat([[]]);
      for (var c = 0; c < count; c++) {
        var score = 0;
        for (var t = 0; t < termMasks.length; t++) {
          if (termMasks[t] && (masks[c] & termMasks[t]) === termMasks[t]) score++;
        }
        byScore[score].push(docs[c]);
      }
      byScore.forEach(function (list, score) {
        if (list.length) groups.push({ yearIndex: yearIndex, year: info.year, score: score, docs: list });
      });
    });
    return groups.sort(function (a, b) { return b.score - a.score || b.year - a.year; });
  }

  // [start, end) of every occurrence of the term in normalized text; a term that begins or ends
  // with a letter or digit matches whole words only, as the index does.
  function occurrences(text, term) {
    var found = [];
    var from = 0, at;
    while ((at = text.indexOf(term.text, from)) !== -1) {
      var end = at + term.text.length;
      var ok = !(term.startsWord && isWord(codePointBefore(text, at))) &&
        !(term.endsWord && isWord(text.codePointAt(end)));
      if (ok) found.push([at, end]);
      from = at + 1;
    }
    return found;
  }

  function codePointBefore(text, at) {
    if (at <= 0) return undefined;
    var unit = text.charCodeAt(at - 1);
    return unit >= 0xdc00 && unit <= 0xdfff && at >= 2 ? text.codePointAt(at - 2) : unit;
  }

  var LABELS = ['项目名称', '主管部门', '实施单位', '项目总目标', '年度总体目标'];

  // The record's fields with the matches of every term; null when a term is missing.
  function confirm(record, terms) {
    var fields = [record.n, record.d, record.i].concat(record.g, record.k).map(function (text, i) {
      text = text || '';
      return { label: LABELS[i] || '绩效指标', text: text, norm: normalize(text), marks: [] };
    });
    var nameHits = 0;
    for (var t = 0; t < terms.length; t++) {
      var hit = false;
      fields.forEach(function (field, i) {
        var found = occurrences(field.norm, terms[t]);
        if (found.length) {
          hit = true;
          field.marks = field.marks.concat(found);
          if (i === 0) nameHits++;
        }
      });
      if (!hit) return null;
    }
    return { record: record, fields: fields, nameHits: nameHits };
  }

  // ---- showing results ----------------------------------------------------------------------

  function highlighted(parent, text, marks) {
    marks = marks.slice().sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    marks.forEach(function (mark) {
      var start = Math.max(mark[0], at);
      if (start >= mark[1]) return;
      if (start > at) parent.appendChild(document.createTextNode(text.slice(at, start)));
      var element = document.createElement('mark');
      element.textContent = text.slice(start, mark[1]);
      parent.appendChild(element);
      at = mark[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // A window of `field` around its first match, cut on whole characters.
  function excerpt(parent, field) {
    var first = field.marks.length ? Math.min.apply(null, field.marks.map(function (m) { return m[0]; })) : 0;
    var start = Math.max(0, first - 24);
    var end = Math.min(field.text.length, start + 90);
    if (/[\udc00-\udfff]/.test(field.text[start] || '')) start--;
    if (/[\ud800-\udbff]/.test(field.text[end - 1] || '')) end++;
    var label = document.createElement('span');
    label.className = 'search-field';
    label.textContent = field.label + '：';
    parent.appendChild(label);
    if (start > 0) parent.appendChild(document.createTextNode('…'));
    var marks = field.marks.map(function (m) {
      return [Math.max(m[0], start) - start, Math.min(m[1], end) - start];
    });
    // Line breaks become spaces one for one, so the marks stay where they are.
    highlighted(parent, field.text.slice(start, end).replace(/\s/g, ' '), marks);
    if (end < field.text.length) parent.appendChild(document.createTextNode('…'));
  }

  function resultItem(match, year) {
    var record = match.record;
    var fields = match.fields;
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.setAttribute('href', root + year + '/' + record.s + '/');
    highlighted(link, fields[0].text, fields[0].marks);
    item.appendChild(link);
    var meta = document.createElement('p');
    meta.className = 'search-meta';
    meta.appendChild(document.createTextNode(year + '年度 · '));
    highlighted(meta, fields[1].text, fields[1].marks);
    item.appendChild(meta);
    var shown = fields.slice(2).filter(function (f) { return f.marks.length; });
    var best = shown[0] || fields.slice(3, 5).filter(function (f) { return f.text; })[0];
    if (best) {
      var text = document.createElement('p');
      text.className = 'search-excerpt';
      excerpt(text, best);
      item.appendChild(text);
    }
    return item;
  }

  function setStatus(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function describe(query) {
    var s = state;
    var scope = s.scope ? s.scope + '年度' : '';
    if (!s.total) return (scope ? scope + '没有' : '没有') + '找到包含“' + query + '”的项目';
    var all = s.exact || finished(s);
    var count = s.total - s.rejected;
    var text = (scope ? scope + '：' : '') + '找到' + (all ? ' ' : '约 ') + count + ' 个项目';
    if (s.shown < count) text += '，显示前 ' + s.shown + ' 个';
    return text;
  }

  function finished(s) {
    return s.group >= s.groups.length;
  }

  // Empty the list; `query` is the query it answers from now on (tests wait for it).
  function clear(query) {
    output.textContent = '';
    output.setAttribute('data-query', query);
  }

  function showMoreButton() {
    var old = output.querySelector('.search-more');
    if (old) old.remove();
    if (finished(state)) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'search-more';
    button.textContent = '显示更多结果';
    button.addEventListener('click', function () {
      var mine = ticket;
      var focusAt = state.shown;
      showPage(mine, { left: MORE_FILES }).then(function () {
        var links = output.querySelectorAll('li > a');
        if (links[focusAt]) links[focusAt].focus();
      });
    });
    output.appendChild(button);
  }

  // Fetch the fragments of the next results (within the budget), confirm and show them.
  function showPage(mine, budget, fresh) {
    var s = state;
    var page = [];
    var chunks = new Map();
    while (!finished(s) && page.length < PAGE) {
      var group = s.groups[s.group];
      var doc = group.docs[s.index];
      var info = catalog.years[group.yearIndex];
      var path = 'fragments/' + info.year + '/' + Math.floor(doc / info.chunk) + '.json';
      if (!chunks.has(path)) {
        if (!files.has(path) && budget.left <= 0 && page.length) break;
        chunks.set(path, load(path, 'json', budget));
      }
      page.push({ info: info, doc: doc, path: path });
      if (++s.index >= group.docs.length) {
        s.group++;
        s.index = 0;
      }
    }
    return Promise.all(page.map(function (p) { return chunks.get(p.path); })).then(function (loaded) {
      if (mine !== ticket) return;
      if (fresh) clear(s.query);
      var matches = [];
      page.forEach(function (p, k) {
        var record = loaded[k][p.doc % p.info.chunk];
        var match = record && confirm(record, s.terms);
        if (match) matches.push({ match: match, year: p.info.year });
        else s.rejected++;
      });
      matches.sort(function (a, b) { return b.match.nameHits - a.match.nameHits; });
      var list = output.querySelector('ul');
      if (!list) {
        list = document.createElement('ul');
        output.appendChild(list);
      }
      matches.forEach(function (m) { list.appendChild(resultItem(m.match, m.year)); });
      s.shown += matches.length;
      setStatus(describe(s.query));
      showMoreButton();
    });
  }

  // `again`: run even when the query and year are those of the last run (the year filter and the
  // submit button ask again; an input method may send the same commit twice).
  function run(again) {
    var query = input.value.trim();
    var scope = yearSelect && yearSelect.value ? Number(yearSelect.value) : null;
    var asked = query + '@' + scope;
    if (!again && asked === lastAsked) return;
    lastAsked = asked;
    var mine = ++ticket;
    if (!query) {
      state = null;
      clear('');
      setStatus('');
      return;
    }
    var terms = parseQuery(query);
    // The first query pays for the catalog, whether the box prefetched it or not.
    var budget = { left: MAX_FILES - (catalogPaid ? 0 : 1) };
    catalogPaid = true;
    loadCatalog().then(function () {
      if (mine !== ticket) return null;
      if (!terms.some(function (t) { return t.probes.length; })) {
        clear(query);
        setStatus('请输入汉字、字母或数字');
        return null;
      }
      var chosen = choose(terms, budget);
      return Promise.all(chosen.map(function (p) { return Promise.all(p); })).then(function (probes) {
        if (mine !== ticket) return null;
        var groups = candidates(probes, scope);
        var total = groups.reduce(function (sum, g) { return sum + g.docs.length; }, 0);
        state = {
          query: query,
          terms: terms,
          scope: scope,
          groups: groups,
          group: 0,
          index: 0,
          total: total,
          exact: terms.every(function (t, i) { return t.exact && probes[i].length === 1; }),
          shown: 0,
          rejected: 0,
        };
        if (!total) {
          clear(query);
          setStatus(describe(query));
          return null;
        }
        return showPage(mine, budget, true);
      });
    }).catch(function () {
      if (mine !== ticket) return;
      clear(query);
      setStatus('搜索暂不可用，请在年度页面查看全部项目。');
    });
  }

  // ---- wiring -------------------------------------------------------------------------------

  function links() {
    return Array.prototype.slice.call(output.querySelectorAll('li > a, .search-more'));
  }

  // Keystrokes wait 40 ms for the next one. Text that arrives whole (a word chosen in an input
  // method, or pasted) is searched at once, and letters still being composed into Chinese
  // characters are not searched at all.
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () { run(false); }, delay);
  }
  input.addEventListener('compositionend', function () { schedule(0); });
  input.addEventListener('input', function (event) {
    if (event.isComposing) return;
    var whole = typeof event.data === 'string' && Array.from(event.data).length > 1;
    schedule(whole ? 0 : 40);
  });
  input.addEventListener('focus', function () { loadCatalog().catch(function () {}); });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      input.value = '';
      run();
    } else if (event.key === 'ArrowDown' && links().length) {
      event.preventDefault();
      links()[0].focus();
    }
  });
  output.addEventListener('keydown', function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at === -1) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      var next = at + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) input.focus();
      else if (all[next]) all[next].focus();
    } else if (event.key === 'Escape') {
      input.focus();
    }
  });
  if (yearSelect) yearSelect.addEventListener('change', function () { run(true); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(true);
  });
  form.hidden = false;
})();
