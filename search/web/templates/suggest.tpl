% # "Suggest a correction": the forms when the server takes corrections, else how to turn it on.
% action = '/corrections/' + quote(article.id)
% version = form_version(article)
<section class="suggest">
  <details>
    <summary><h2>Suggest a correction</h2></summary>
% if not writable:
    <p class="meta">This server is read-only. To take corrections here, start it with <code>python -m search serve --corrections SEEDS_DIR</code> (the folder the index was built from), or add a line to that folder's <code>corrections.jsonl</code> by hand.</p>
% else:
    <p class="meta">Each correction is checked on the next page before it is saved to the folder's <code>corrections.jsonl</code>.</p>
%   if article.quotes:
    <form class="suggest-speaker" method="post" action="{{action}}">
      <input type="hidden" name="version" value="{{version}}">
      <input type="hidden" name="kind" value="speaker">
      <label>Quote <select name="target">
%     for number, q in enumerate(article.quotes):
        <option value="quote:{{number}}">“{{q.text if len(q.text) <= 60 else q.text[:59] + '…'}}” — {{q.speaker or 'unattributed'}}</option>
%     end
      </select></label>
      <label>was said by <input name="speaker" maxlength="100" required autocomplete="off"></label>
      <button type="submit">Suggest speaker</button>
    </form>
%   end
%   if article.locations:
    <form class="suggest-place" method="post" action="{{action}}">
      <input type="hidden" name="version" value="{{version}}">
      <input type="hidden" name="kind" value="resolve">
      <label>Place <select name="target">
%     for number, p in enumerate(article.locations):
        <option value="place:{{number}}">{{p.name}} → {{p.canonical}}{{', ' + p.country if p.country else ''}}</option>
%     end
      </select></label>
      <label>is really <input name="canonical" maxlength="100" autocomplete="off" placeholder="name, e.g. Georgia"></label>
      <label>in the country <input name="country" maxlength="2" autocomplete="off" placeholder="ISO code, e.g. GE" pattern="[A-Za-z]{2}"></label>
      <button type="submit">Suggest place</button>
    </form>
%   end
%   if article.quotes or article.locations:
    <form class="suggest-drop" method="post" action="{{action}}">
      <input type="hidden" name="version" value="{{version}}">
      <input type="hidden" name="kind" value="drop">
      <label>Not a quote or place <select name="target">
%     for number, q in enumerate(article.quotes):
        <option value="quote:{{number}}">Quote “{{q.text if len(q.text) <= 60 else q.text[:59] + '…'}}”</option>
%     end
%     for number, p in enumerate(article.locations):
        <option value="place:{{number}}">Place {{p.name}}</option>
%     end
      </select></label>
      <button type="submit">Suggest removing it</button>
    </form>
%   end
%   if article.removed:
    <form class="suggest-restore" method="post" action="{{action}}">
      <input type="hidden" name="version" value="{{version}}">
      <input type="hidden" name="kind" value="restore">
      <label>Removed as boilerplate <select name="target">
%     for number, r in enumerate(article.removed):
        <option value="removed:{{number}}">{{r.text if len(r.text) <= 70 else r.text[:69] + '…'}} ({{r.reason}})</option>
%     end
      </select></label>
      <button type="submit">Suggest restoring it</button>
    </form>
%   end
% end
  </details>
</section>
