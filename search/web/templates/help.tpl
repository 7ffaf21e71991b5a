% rebase('base.tpl', title=title, query=query)
<section class="help">
  <h1>How to search</h1>
  <p>Type words: articles holding all of them come first, then those holding some. Words match in every form (<code>protests</code> finds <em>protesting</em>), without accents (<code>Kyiv</code> finds <em>Kyív</em>), and places under any of their names (<code>Kiev</code> finds <em>Kyiv</em>).</p>
  <table>
    <caption>Query syntax</caption>
    <thead><tr><th scope="col">Type</th><th scope="col">To find</th></tr></thead>
    <tbody>
      <tr><td><code>"peaceful pressure"</code></td><td>the exact phrase</td></tr>
      <tr><td><code>"russian trucks"~3</code></td><td>the words within three words of each other</td></tr>
      <tr><td><code>headline:iraq</code></td><td>a word in the headline only</td></tr>
      <tr><td><code>quotes:freedom</code></td><td>a word inside a quotation</td></tr>
      <tr><td><code>speaker:kuleba</code></td><td>articles quoting that person</td></tr>
      <tr><td><code>locations:ukraine</code></td><td>articles naming that place</td></tr>
      <tr><td><code>privat*</code></td><td>words starting with <em>privat</em> (two letters at least before <code>*</code>)</td></tr>
      <tr><td><code>budget AND tax</code>, <code>tax OR vat</code>, <code>budget NOT tax</code>, <code>budget -tax</code></td><td>combinations</td></tr>
    </tbody>
  </table>
  <p>A query that cannot be read as syntax is searched as its plain words. When a query finds little, a corrected spelling from the articles' own words is offered.</p>
  <p><a href="/">Back to the search page</a></p>
</section>
