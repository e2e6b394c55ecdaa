// Site search: the box in the header queries the Pagefind index in pagefind/ (built with the
// site) and lists matching declarations as links. No server is involved. Without JavaScript the
// box stays hidden and the year pages list every declaration.
(function () {
  'use strict';
  var form = document.querySelector('form.search[data-root]');
  if (!form || !window.fetch) return;
  var input = form.querySelector('input[type="search"]');
  var output = form.querySelector('.search-results');
  var root = form.getAttribute('data-root') || '';
  var pagefind = null;
  var latest = 0;
  var timer = null;

  function load() {
    if (!pagefind) {
      var url = new URL(root + 'pagefind/pagefind.js', document.baseURI).href;
      pagefind = import(url).then(function (module) {
        return module.options({ excerptLength: 24 }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  // Pagefind reports URLs from the site root ("/2023/slug/"); make them relative to this page so
  // the site works under any base URL and from a copied folder.
  function href(url) {
    return root + url.replace(/^\//, '');
  }

  function plain(html) {
    var holder = document.createElement('template');
    holder.innerHTML = html;
    return holder.content.textContent || '';
  }

  function show(query, results) {
    output.textContent = '';
    // Which query the list answers (tests wait for it; a late answer never replaces a newer one).
    output.setAttribute('data-query', query);
    if (!query) return;
    var status = document.createElement('p');
    status.className = 'search-status';
    status.textContent = results.length ? '找到 ' + results.length + ' 个项目' : '没有找到包含“' + query + '”的项目';
    output.appendChild(status);
    if (!results.length) return;
    var list = document.createElement('ul');
    results.forEach(function (data) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = href(data.url);
      link.textContent = (data.meta && data.meta.title) || data.url;
      item.appendChild(link);
      var excerpt = document.createElement('p');
      excerpt.textContent = plain(data.excerpt || '');
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    output.appendChild(list);
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { show('', []); return; }
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 50).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (ticket === latest) show(query, results);
    }).catch(function () {
      if (ticket === latest) output.textContent = '搜索暂不可用，请在年度页面查看全部项目。';
    });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { input.value = ''; run(); }
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  form.hidden = false;
})();
