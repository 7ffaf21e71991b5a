% rebase('base.tpl', title=title, query=query)
<section class="error">
  <h1>{{status}}</h1>
  <p>{{message}}</p>
  <p><a href="/">Back to the search page</a></p>
</section>
