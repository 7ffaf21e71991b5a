<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">
<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml" title="News search">
</head>
<body>
<a class="skip" href="#main">Skip to results</a>
<header class="bar">
  <a class="brand" href="/">News search</a>
  <form class="search" action="/search" method="get" role="search">
    <label for="q" class="visually-hidden">Search the articles</label>
    <input id="q" name="q" type="search" value="{{query}}" placeholder="e.g. kherson protests, &quot;peaceful pressure&quot;, headline:iraq" autocomplete="off">
    <button type="submit">Search</button>
  </form>
  <a class="help-link" href="/check">Check a quote</a>
  <a class="help-link" href="/help">Search tips</a>
</header>
<main id="main">
{{!base}}
</main>
</body>
</html>
