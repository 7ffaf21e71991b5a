% rebase('base.tpl', title=title, query='')
<link rel="stylesheet" href="/static/check.css">
<section class="check">
  <h1>Check a quote</h1>
  <p>Paste what someone supposedly said, as you have it: see what they actually said, where and when first.</p>
  <form class="check-form" action="/check" method="get">
    <label for="quote">The quote</label>
    <textarea id="quote" name="quote" rows="3" required>{{text}}</textarea>
    <label for="speaker">Said by (optional)</label>
    <input id="speaker" name="speaker" value="{{speaker}}" autocomplete="off">
    <button type="submit">Check</button>
  </form>
% if answer is not None:
  <p class="verdict {{'found' if answer.found else 'not-found'}}" id="verdict">{{answer.message}}</p>
%   if answer.earliest:
  <p class="earliest">First reported in
    <a href="/article/{{quote(answer.earliest.article_id)}}#p-{{answer.earliest.paragraph}}">{{answer.earliest.headline}}</a>{{', ' + answer.earliest.outlet if answer.earliest.outlet else ''}}{{', ' + answer.earliest.date[:10] if answer.earliest.date else ''}}.</p>
%   end
%   if answer.matches:
  <p class="legend">In each match, <del>struck through</del>: only in what you pasted; <ins>underlined</ins>: only in what was said.</p>
  <ol class="matches">
%     for match in answer.matches:
    <li class="match {{match.kind}}">
      <p class="kind">{{match.kind}}{{', part of the quote' if match.partial else ''}} · {{'%.0f' % (match.score * 100)}}% alike
%       if match.flags:
        <strong class="flag">differs: {{', '.join('a negation' if f == 'negation' else 'a number' for f in match.flags)}}</strong>
%       end
      </p>
      <blockquote>{{match.text}}</blockquote>
%       if match.kind != 'verbatim':
      <p class="diff">
%         for step in match.diff:
%           if step.kind == 'same':
        <span>{{step.pasted}}</span>
%           elif step.kind == 'added':
        <del>{{step.pasted}}</del>
%           elif step.kind == 'missing':
        <ins>{{step.found}}</ins>
%           else:
        <del>{{step.pasted}}</del> <ins>{{step.found}}</ins>
%           end
%         end
      </p>
%       end
      <p class="source">— {{match.speaker or 'unnamed speaker'}},
        <a href="/article/{{quote(match.article_id)}}#p-{{match.paragraph}}">{{match.headline}}</a>{{', ' + match.outlet if match.outlet else ''}}{{', ' + match.date[:10] if match.date else ''}}</p>
    </li>
%     end
  </ol>
%   end
% end
</section>
