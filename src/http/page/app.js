// The page script; see index.html.
