% rebase('base.tpl', title=title, query=query)
% keep = '?' + urlencode({'q': query}) if query else ''
<div class="layout">
<article class="story">
  <p class="back"><a href="/search?{{urlencode({'q': query})}}">← Back to results</a></p>
% if original:
  <p class="notice repeats" role="note">This article repeats <a id="original" href="/article/{{quote(original.id)}}{{keep}}">{{original.headline}}</a>.</p>
% end
% if saved:
  <p class="notice saved" role="status">Your correction was saved to the corrections file and is shown below.</p>
% end
  <h1>{{!headline_html}}</h1>
% section = article.id.rsplit('/', 1)[0] if '/' in article.id else ''
% meta = [m for m in (article.date, article.author, article.outlet) if m]
% if meta or section:
  <p class="meta">{{' · '.join(meta)}}{{' · ' if meta and section else ''}}{{('Section: ' + section) if section else ''}}</p>
% end
% for number, paragraph in enumerate(paragraphs_html):
%   if number in article.restored:
  <p id="p-{{number}}" class="restored">{{!paragraph}} <span class="correction" title="Removed as boilerplate, put back by a correction">restored by a correction</span></p>
%   else:
  <p id="p-{{number}}">{{!paragraph}}</p>
%   end
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
      <li><blockquote><a href="#p-{{q.paragraph}}">“{{q.text}}”</a></blockquote><p class="speaker">— {{q.speaker or q.role or 'unattributed'}}{{', ' + q.role if q.speaker and q.role else ''}}{{!' <span class="correction" title="Set by the newsroom\'s corrections file">correction</span>' if q.corrected else ''}} · <a class="check-link" href="/check?{{urlencode({'quote': q.text, 'speaker': q.speaker or ''})}}">Check this quote</a></p></li>
%   end
    </ul>
  </section>
% end
% if article.speakers:
  <section class="speakers">
    <h2>Speakers</h2>
    <ul>
%   for name in article.speakers:
      <li><a href="/search?{{urlencode({'q': query or '*', 'speaker': name})}}">{{name}}</a></li>
%   end
    </ul>
  </section>
% end
% if related:
  <section class="related">
    <h2>More like this</h2>
    <ul>
%   for hit in related:
      <li><a href="/article/{{quote(hit.id)}}{{keep}}">{{hit.headline}}</a></li>
%   end
    </ul>
  </section>
% end
% if article.locations:
  <section>
    <h2>Places</h2>
    <ul class="places">
%   for p in article.locations:
      <li><a href="/search?{{urlencode({'q': 'place:"' + p.canonical.replace('"', '') + '"'})}}">{{p.canonical}}</a>{{' (' + p.name + ')' if p.name != p.canonical else ''}} <span class="meta">{{p.kind}}{{', ' + p.country if p.country else ''}}</span>{{!' <span class="correction" title="Set by the newsroom\'s corrections file">correction</span>' if p.corrected else ''}}</li>
%   end
    </ul>
  </section>
% end
% include('suggest.tpl', article=article, writable=writable, form_version=form_version)
</aside>
</div>
