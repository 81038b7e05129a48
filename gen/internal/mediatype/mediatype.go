// Package mediatype names the Content-Type of an asset. It uses its own
// table rather than mime.TypeByExtension, which reads the machine's
// /etc/mime.types: generated code must be byte-identical on every machine.
package mediatype

import (
	"net/http"
	"strings"
)

// byExt maps lower-case extensions to media types. Text types carry a
// charset, since assets are UTF-8 and a browser that guesses may guess
// wrong.
var byExt = map[string]string{
	".aac":         "audio/aac",
	".apng":        "image/apng",
	".atom":        "application/atom+xml",
	".avif":        "image/avif",
	".bmp":         "image/bmp",
	".br":          "application/x-brotli",
	".bz2":         "application/x-bzip2",
	".css":         "text/css; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".eot":         "application/vnd.ms-fontobject",
	".flac":        "audio/flac",
	".gif":         "image/gif",
	".gz":          "application/gzip",
	".htm":         "text/html; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".ico":         "image/vnd.microsoft.icon",
	".ics":         "text/calendar; charset=utf-8",
	".jpeg":        "image/jpeg",
	".jpg":         "image/jpeg",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".jsonld":      "application/ld+json",
	".map":         "application/json",
	".md":          "text/markdown; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".mp3":         "audio/mpeg",
	".mp4":         "video/mp4",
	".oga":         "audio/ogg",
	".ogg":         "audio/ogg",
	".ogv":         "video/ogg",
	".opus":        "audio/opus",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".png":         "image/png",
	".rss":         "application/rss+xml",
	".svg":         "image/svg+xml",
	".tar":         "application/x-tar",
	".tif":         "image/tiff",
	".tiff":        "image/tiff",
	".ttf":         "font/ttf",
	".txt":         "text/plain; charset=utf-8",
	".vtt":         "text/vtt; charset=utf-8",
	".wasm":        "application/wasm",
	".wav":         "audio/wav",
	".webm":        "video/webm",
	".webmanifest": "application/manifest+json",
	".webp":        "image/webp",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".xml":         "text/xml; charset=utf-8",
	".xz":          "application/x-xz",
	".zip":         "application/zip",
	".zst":         "application/zstd",
}

// Of returns the media type for a file name, or, for an extension the table
// does not know, what http.DetectContentType makes of the first 512 bytes
// of its content (deterministic, unlike the system's tables).
func Of(name string, head []byte) string {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = strings.ToLower(name[i:])
	}
	if t, ok := byExt[ext]; ok {
		return t
	}
	return http.DetectContentType(head)
}
