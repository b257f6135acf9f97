"""Exercise illustrations: key positions as data in the catalogue, drawn as SVG by a pure renderer.

`poses` reads and checks the catalogue's `illustration` entries, `body` turns a position into points, `svg` draws
the moving figure and its still frames. No Django here (import contract): the web side is `exercises.pictures`.
"""
