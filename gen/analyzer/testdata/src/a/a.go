package a

import (
	"fmt"

	"assets"
	web "assets"
)

const base = "css/" + "base.css"

func broken(dynamic string) {
	_ = assets.MustURL("css/bse.css")    // want `css/bse.css is not an asset of package assets; did you mean css/base.css\?`
	_ = assets.MustURL("nope.txt")       // want `nope.txt is not an asset of package assets; fix the path or add the file`
	_, _ = assets.Lookup("CSS/Base.css") // want `CSS/Base.css is not an asset of package assets; did you mean css/base.css\?`
	_ = assets.MustURL(dynamic)          // not a constant: not checked
	_ = assets.MustURL("@@.txt")         // an asset without an identifier: nothing to suggest
	_ = assets.CSSBaseCSS.URL()          // already typed
	_ = fmt.Sprint("css/bse.css")        // not a generated package
}

func valid() (string, error) {
	_ = assets.MustURL("css/base.css") // valid: no report unless -prefer-typed
	_ = web.MustURL(base)
	a, ok := assets.Lookup("img/logo.svg")
	_, _ = a, ok
	return assets.URL("css/base.css")
}
