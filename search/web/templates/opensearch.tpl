<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>News search</ShortName>
  <Description>Search the news articles indexed here</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Url type="text/html" method="get" template="{{base}}/search?q={searchTerms}"/>
  <Url type="application/json" method="get" template="{{base}}/api/search?q={searchTerms}"/>
</OpenSearchDescription>
