% rebase('base.tpl', title=title, query=query)
<div class="layout">
<article class="story">
  <p class="back"><a href="/search?{{urlencode({'q': query})}}">← Back to results</a></p>
  <h1>{{!headline_html}}</h1>
% meta = [m for m in (article.date, article.author, article.outlet) if m]
% if meta:
  <p class="meta">{{' · '.join(meta)}}</p>
% end
% for number, paragraph in enumerate(paragraphs_html):
  <p id="p-{{number}}">{{!paragraph}}</p>
% end
% if article.url:
  <p class="meta">Original: <a href="{{article.url}}" rel="noopener noreferrer">{{article.url}}</a></p>
% end
</article>
<aside class="facts">
% if article.quotes:
  <section>
    <h2>Quotes</h2>
    <ul class="quotes">
%   for q in article.quotes:
      <li><blockquote><a href="#p-{{q.paragraph}}">“{{q.text}}”</a></blockquote><p class="speaker">— {{q.speaker or 'unattributed'}}</p></li>
%   end
    </ul>
  </section>
% end
% if related:
  <section class="related">
    <h2>More like this</h2>
    <ul>
%   for hit in related:
      <li><a href="/article/{{quote(hit.id)}}">{{hit.headline}}</a></li>
%   end
    </ul>
  </section>
% end
% if article.locations:
  <section>
    <h2>Places</h2>
    <ul class="places">
%   for p in article.locations:
      <li>{{p.canonical}}{{' (' + p.name + ')' if p.name != p.canonical else ''}} <span class="meta">{{p.kind}}{{', ' + p.country if p.country else ''}}</span></li>
%   end
    </ul>
  </section>
% end
</aside>
</div>
