package media

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"gocloud.dev/blob"
)

// Query parameters of an HMAC-signed URL.
const (
	paramExpires   = "expires"
	paramSignature = "signature"
)

// SignedURL returns a URL for the named file that works until ttl has
// passed, for a file that is private (see Private) or a link that should
// not last. A store that signs URLs itself (S3, GCS, Azure) makes it, and
// the URL points at the store. Otherwise it is the file's URL (see URL)
// with an expiry time and an HMAC-SHA256 signature of the name and that
// time under the SigningKey, which Handler checks: a changed name, time or
// signature, or a time past, is 403 Forbidden.
//
// It does not check that the file exists.
func (s *Store) SignedURL(name string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errors.New("media: SignedURL needs a positive time to live")
	}
	if !validName(name) {
		return "", notExist("sign", name)
	}
	if s.signs {
		u, err := s.bucket.SignedURL(context.Background(), name, &blob.SignedURLOptions{Expiry: ttl})
		if err != nil {
			return "", fmt.Errorf("media: %w", err)
		}
		return u, nil
	}
	if len(s.cfg.key) == 0 {
		return "", errors.New("media: SignedURL needs a SigningKey on a store that does not sign URLs itself")
	}
	expires := strconv.FormatInt(s.now().Add(ttl).Unix(), 10)
	q := url.Values{paramExpires: {expires}, paramSignature: {s.sign(name, expires)}}
	return s.URL(name) + "?" + q.Encode(), nil
}

// sign returns the signature of name and expires, base64url without
// padding. The two are joined with a NUL, which neither can hold, so no
// other pair signs the same message. An image variant's width (see
// Images) does not join it: a signature grants one image at every
// configured width, each no larger than the image itself.
func (s *Store) sign(name, expires string) string {
	return s.mac("assetgen media v1", name, expires)
}

// mac returns the HMAC-SHA256 under the SigningKey of domain and parts,
// base64url without padding. They are joined with NULs, which none can
// hold, so no other list signs the same message; the domain keeps a
// signature of one kind of URL from passing for another.
func (s *Store) mac(domain string, parts ...string) string {
	m := hmac.New(sha256.New, s.cfg.key)
	m.Write([]byte(domain))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify checks an HMAC-signed request for name and returns how long the
// signature still holds.
func (s *Store) verify(name string, q url.Values) (time.Duration, bool) {
	return s.verifySigned(q, func(expires string) string { return s.sign(name, expires) })
}

// verifySigned checks the expires and signature parameters of q, the
// signature being what sign makes of expires, and returns how long the
// signature still holds.
func (s *Store) verifySigned(q url.Values, sign func(expires string) string) (time.Duration, bool) {
	if len(s.cfg.key) == 0 || len(q[paramExpires]) != 1 || len(q[paramSignature]) != 1 {
		return 0, false
	}
	expires := q[paramExpires][0]
	t, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || t < 0 {
		return 0, false
	}
	got, err := base64.RawURLEncoding.DecodeString(q[paramSignature][0])
	if err != nil {
		return 0, false
	}
	want, _ := base64.RawURLEncoding.DecodeString(sign(expires))
	if !hmac.Equal(got, want) {
		return 0, false
	}
	left := time.Unix(t, 0).Sub(s.now())
	return left, left > 0
}
