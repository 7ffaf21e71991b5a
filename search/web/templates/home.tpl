% rebase('base.tpl', title=title, query=query)
<section class="intro">
  <h1>Search {{count}} news articles</h1>
  <p>Words are matched in every form (<em>protests</em> finds <em>protesting</em>). Articles with all your words come first.</p>
  <ul class="tips">
    <li><code>"peaceful pressure"</code> for a phrase</li>
    <li><code>headline:iraq</code>, <code>quotes:freedom</code>, <code>speaker:kuleba</code>, <code>locations:ukraine</code> to search one field</li>
    <li><code>privat*</code> for words that start alike; <code>AND</code>, <code>OR</code>, <code>NOT</code>, <code>-word</code></li>
  </ul>
</section>
