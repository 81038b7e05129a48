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

func fixes() (string, error) {
	_ = assets.MustURL("css/base.css") // want `use assets.CSSBaseCSS.URL\(\) for css/base.css; the compiler checks it`
	_ = web.MustURL(base)              // want `use web.CSSBaseCSS.URL\(\) for css/base.css; the compiler checks it`
	var u string
	var err error
	u, err = assets.URL("img/logo.svg")    // want `use assets.ImgLogoSVG.URL\(\) for img/logo.svg; the compiler checks it`
	a, ok := assets.Lookup("img/logo.svg") // want `use assets.ImgLogoSVG.Asset\(\) for img/logo.svg; the compiler checks it`
	_, _, _, _ = u, err, a, ok
	return assets.URL("css/base.css") // want `use assets.CSSBaseCSS.URL\(\) for css/base.css; the compiler checks it`
}

func noFix() {
	u, err := assets.URL("css/base.css") // want `use assets.CSSBaseCSS.URL\(\) for css/base.css; the compiler checks it`
	fmt.Println(u, err)
	fmt.Println(assets.Lookup("img/logo.svg")) // want `use assets.ImgLogoSVG.Asset\(\) for img/logo.svg; the compiler checks it`
}
