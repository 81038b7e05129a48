package b

import (
	"fmt"

	"assets"
	web "assets"
)

const base = "css/" + "base.css"

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
