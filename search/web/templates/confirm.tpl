% rebase('base.tpl', title=title, query=query)
<section class="confirm">
  <h1>Confirm the correction</h1>
  <p>In <a href="/article/{{quote(article.id)}}">{{article.headline}}</a>:</p>
  <p class="change">{{suggestion.describe()}}</p>
% if suggestion.kind == 'restore':
  <blockquote>{{suggestion.passage}}</blockquote>
% end
  <p class="meta">It is saved to the folder's <code>corrections.jsonl</code>, keyed to this version of the article, and applied every time the folder is indexed until the article changes.</p>
  <form method="post" action="/corrections/{{quote(article.id)}}">
% for name, value in fields.items():
    <input type="hidden" name="{{name}}" value="{{value}}">
% end
    <button type="submit">Confirm</button>
    <a href="/article/{{quote(article.id)}}">Cancel</a>
  </form>
</section>
