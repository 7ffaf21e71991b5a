% rebase('base.tpl', title=title, query=query)
<section class="help">
  <h1>How to search</h1>
  <p>Type words. With up to three words, the results are the articles holding all of them; articles holding only some come after the last page, under <em>More results with some of the words</em>, counted apart. A longer question or sentence (four words or more) finds the articles whose rarest, most telling words it holds, best first. Words match in every form (<code>protests</code> finds <em>protesting</em>), without accents (<code>Kyiv</code> finds <em>Kyív</em>), and places under any of their names (<code>Kiev</code> finds <em>Kyiv</em>, and the page says “Also matched: Kiev”).</p>
  <table>
    <caption>Query syntax</caption>
    <thead><tr><th scope="col">Type</th><th scope="col">To find</th></tr></thead>
    <tbody>
      <tr><td><code>"peaceful pressure"</code></td><td>the exact phrase</td></tr>
      <tr><td><code>"russian trucks"~3</code></td><td>the words within three words of each other</td></tr>
      <tr><td><code>headline:iraq</code></td><td>a word in the headline only</td></tr>
      <tr><td><code>quotes:freedom</code></td><td>a word inside a quotation</td></tr>
      <tr><td><code>speaker:kuleba</code></td><td>articles quoting that person</td></tr>
      <tr><td><code>place:ukraine</code></td><td>articles naming that place, or any place in it (a search for a country finds its cities)</td></tr>
      <tr><td><code>locations:kiev</code></td><td>articles naming a place by that name or any other spelling of it</td></tr>
      <tr><td><code>country:ua</code></td><td>articles naming a place in that country (ISO code)</td></tr>
      <tr><td><code>outlet:bbc</code>, <code>author:smith</code></td><td>articles from that outlet, or by that author</td></tr>
      <tr><td><code>date:[2004 TO 2005]</code></td><td>articles dated in that range (ranges work on dates only)</td></tr>
      <tr><td><code>privat*</code></td><td>words starting with <em>privat</em> (two letters at least before <code>*</code>)</td></tr>
      <tr><td><code>kharkov~</code>, <code>kharkov~2</code></td><td>words spelt nearly so (one letter different, or two)</td></tr>
      <tr><td><code>budget^2 tax</code></td><td>a word weighing more than the others</td></tr>
      <tr><td><code>budget AND tax</code>, <code>tax OR vat</code>, <code>budget NOT tax</code>, <code>budget -tax</code></td><td>combinations (a hyphen inside a word, as in <code>c-Myc</code>, is part of the word)</td></tr>
    </tbody>
  </table>
  <h2>Sorting, dates and filters</h2>
  <ul>
    <li><strong>Relevance</strong> or <strong>Newest</strong> first (undated articles last). The URL keeps it: <code>sort=newest</code>.</li>
    <li><strong>From</strong> and <strong>to</strong> keep the articles dated in a range: <code>since=2004&amp;until=2005-06</code> (a year, a month or a day). When no article has a date, the page says so and shows every result by relevance.</li>
    <li>The <strong>filters</strong> (places, speakers, outlets, years) count over every result, not just the page. Values of one filter combine with OR, filters with AND. On a phone they are in the “Filters” block above the results.</li>
  </ul>
  <h2>Views</h2>
  <ul>
    <li><strong>Articles</strong>: ranked articles with their best sentences, matched words marked. A story that appears more than once shows once, with “+N similar” links to its copies.</li>
    <li><strong>Quotes</strong>: the quotations that match, ten to a page, each with its speaker and article (<code>view=quotes</code>; also in the JSON API).</li>
    <li>An article's page marks the words you searched, lists its quotes, its places and speakers (each a link to the articles that share it), and “More like this”.</li>
  </ul>
  <p>A query that cannot be read as syntax is searched as its plain words, with a note; a field that does not exist is searched as a word. When a query finds little, a corrected spelling from the articles' own words is offered.</p>
  <p>Everything on these pages is also JSON: <code>/api/search?q=…</code>, <code>/api/articles/&lt;id&gt;</code>, <code>/api/articles/&lt;id&gt;/related</code>.</p>
  <p><a href="/">Back to the search page</a></p>
</section>
