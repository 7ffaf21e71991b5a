% rebase('base.tpl', title=title, query=query)
<div class="layout">
<section class="results" aria-label="Results">
% if results.notice and query.strip():
<p class="notice" role="status">{{results.notice}}</p>
% end
% if results.also_matched:
<p class="also" role="status">Also matched: {{', '.join(results.also_matched)}}</p>
% end
% if results.suggestion:
<p class="suggestion" role="status">Did you mean <a id="suggestion" href="/search?{{urlencode({'q': results.suggestion})}}">{{results.suggestion}}</a>?</p>
% end
% if not query.strip():
<p>Type some words to search for.</p>
% else:
<p class="summary" role="status"><span id="total">{{results.total}}</span> {{'result' if results.total == 1 else 'results'}} for <strong>{{query}}</strong> <span class="elapsed">({{'%.0f' % (results.elapsed * 1000)}} ms)</span></p>
%   if not results.hits and results.total and view != 'quotes':
<p>There is no page {{results.page}}: <a href="{{page_url(results.pages)}}">go to the last page</a>.</p>
%   elif not results.hits and not results.more_hits:
<div class="empty">
  <p>No article matches <strong>{{query}}</strong>.</p>
  <ul>
    <li>Try fewer words, or another spelling.</li>
    <li>Search the start of a word: <code>privat*</code>.</li>
    <li>See the <a href="/help">search tips</a>.</li>
  </ul>
</div>
%   end
<div class="controls">
<nav class="views" aria-label="Show">
  <a href="{{view_url('articles')}}" aria-current="{{'page' if view == 'articles' else 'false'}}">Articles</a>
  <a href="{{view_url('quotes')}}" aria-current="{{'page' if view == 'quotes' else 'false'}}" id="quotes-view">Quotes</a>
</nav>
<nav class="views" aria-label="Sort by">
  <a href="{{sort_url('relevance')}}" aria-current="{{'page' if results.sort == 'relevance' else 'false'}}" id="sort-relevance">Relevance</a>
  <a href="{{sort_url('newest')}}" aria-current="{{'page' if results.sort == 'newest' else 'false'}}" id="sort-newest">Newest</a>
</nav>
</div>
%   if view == 'quotes':
%     if not results.quotes and results.total:
<p class="empty">No quotation matches. Try <code>quotes:word</code> or <code>speaker:name</code>.</p>
%     elif results.quotes:
<p class="summary"><span id="quotes-total">{{results.quotes_total}}</span> {{'quotation' if results.quotes_total == 1 else 'quotations'}} in the articles found</p>
%     end
<ol class="quote-cards" start="{{(results.page - 1) * results.page_size + 1}}">
%     for card in results.quotes:
  <li class="quote-card">
    <blockquote><a href="/article/{{quote(card.article_id)}}?{{urlencode({'q': query})}}#p-{{card.paragraph}}">“{{!card.text_html}}”</a></blockquote>
    <p class="attribution">— <span class="speaker">{{card.speaker or card.role or 'unattributed'}}</span>{{', ' + card.role if card.speaker and card.role else ''}}, <cite>{{card.headline}}</cite>{{', ' + card.date if card.date else ''}} · <a class="check-link" href="/check?{{urlencode({'quote': card.text, 'speaker': card.speaker or ''})}}">Check this quote</a></p>
  </li>
%     end
</ol>
%   else:
<ol class="hits" start="{{(results.page - 1) * results.page_size + 1}}">
%   for hit in results.hits:
  <li class="hit">
    <h2><a href="/article/{{quote(hit.id)}}?{{urlencode({'q': query})}}">{{!hit.headline_html}}</a></h2>
    <p class="snippet">{{!hit.snippet}}</p>
%     if hit.similar:
    <p class="similar">+{{len(hit.similar)}} similar: 
%       for n, (other, other_headline) in enumerate(zip(hit.similar, hit.similar_headlines)):
      <a href="/article/{{quote(other)}}?{{urlencode({'q': query})}}">{{other_headline}}</a>{{', ' if n + 1 < len(hit.similar) else ''}}
%       end
    </p>
%     end
%     if hit.locations:
    <p class="places"><span class="label">Places:</span> {{', '.join(p.canonical for p in hit.locations)}}</p>
%     end
%     meta = [m for m in (hit.date, hit.outlet) if m]
%     if meta:
    <p class="meta">{{' · '.join(meta)}}</p>
%     end
  </li>
%   end
</ol>
%     if results.more_hits:
<section class="more" aria-labelledby="more-heading">
<h2 id="more-heading">More results with some of the words <span class="count">({{results.more_total}})</span></h2>
<ol class="hits more-hits">
%       for hit in results.more_hits:
  <li class="hit">
    <h3><a href="/article/{{quote(hit.id)}}?{{urlencode({'q': query})}}">{{!hit.headline_html}}</a></h3>
    <p class="snippet">{{!hit.snippet}}</p>
  </li>
%       end
</ol>
</section>
%     end
%   end
%   if results.pages > 1:
<nav class="pages" aria-label="Result pages">
%     if results.page > 1:
  <a rel="prev" href="{{page_url(results.page - 1)}}">← Previous</a>
%     end
  <span>Page {{results.page}} of {{results.pages}}</span>
%     if results.page < results.pages:
  <a rel="next" href="{{page_url(results.page + 1)}}">Next →</a>
%     end
</nav>
%   end
% end
</section>
% if any(results.facets.values()) or results.histogram or state.since or state.until:
<aside class="facets" aria-label="Filter the results">
  <input type="checkbox" id="filters-toggle" class="filters-toggle">
  <label for="filters-toggle" class="filters-label" id="filters-label">Filters</label>
  <div class="facet-body">
%   if results.histogram:
%     top = max(results.histogram.values())
  <section class="histogram" aria-label="Results per year">
    <h2>Over time</h2>
    <ol>
%     for year, n in results.histogram.items():
      <li><span class="bar h{{max(1, round(10 * n / top))}}"></span><span class="year">{{year}}</span> <span class="count">{{n}}</span></li>
%     end
    </ol>
  </section>
%   end
%   if results.histogram or state.since or state.until:
  <form class="dates" action="/search" method="get">
    <input type="hidden" name="q" value="{{query}}">
%   for name, values in results.filters.items():
%     for value in values:
    <input type="hidden" name="{{name}}" value="{{value}}">
%     end
%   end
%   if results.sort != 'relevance':
    <input type="hidden" name="sort" value="{{results.sort}}">
%   end
    <h2>Dates</h2>
    <label for="since">From</label> <input id="since" name="since" size="10" placeholder="2004" value="{{state.since}}">
    <label for="until">to</label> <input id="until" name="until" size="10" placeholder="2005-06" value="{{state.until}}">
    <button type="submit">Apply</button>
  </form>
%   end
%   for name, values in results.facets.items():
%     if values:
  <section class="facet" id="facet-{{name}}">
    <h2>{{facet_labels[name]}}</h2>
    <ul>
%       for v in values:
      <li><a href="{{facet_url(name, v.value)}}" class="{{'selected' if v.selected else ''}}" aria-pressed="{{'true' if v.selected else 'false'}}" role="button"><span class="value">{{v.value}}</span> <span class="count">{{v.count}}</span></a></li>
%       end
    </ul>
  </section>
%     end
%   end
  </div>
</aside>
% end
</div>
