"""Reading articles: front matter, Markdown, directive fences, and the checks on their prose
(cross-references, formulas, links, citations). Nothing here loads a model or renders a page."""
