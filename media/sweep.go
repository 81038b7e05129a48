package media

import (
	"context"
	"fmt"
	"io"
	"time"

	"gocloud.dev/blob"
)

// lockTimeout is how old a claim's take-over lock (see takeOver) must be
// to be swept: one is held for the three requests of a take-over.
const lockTimeout = time.Minute

// Sweep deletes what failed uploads leave behind, and returns how many
// objects it deleted:
//
//   - claims older than ClaimTimeout, left when an upload and its clean-up
//     both failed (see Save), so that their names are free again;
//   - direct uploads (see PresignUpload) that arrived more than olderThan
//     ago and were never finalized;
//   - locks of claim take-overs left by a crash.
//
// Nothing it deletes was ever listed or served. Run it now and then, say
// hourly, from one process (a ticker in the server, or a cron job that
// opens the store); with olderThan well above the time between an
// upload and its Finalize, an hour or a day. It lists the top level of
// the store (one request per thousand names) and the two hidden
// directories. On S3, a lifecycle rule that aborts incomplete multipart
// uploads after a day removes the parts of uploads cut off mid-way,
// which are not objects and which Sweep cannot see.
func (s *Store) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	now := s.now()
	n := 0
	remove := func(key string) error {
		if err := s.bucket.Delete(ctx, key); err != nil && !isNotFound(err) {
			return err
		}
		s.local.forget(key)
		n++
		return nil
	}
	err := s.sweep(ctx, "", "/", func(obj *blob.ListObject) error {
		if obj.Size != 0 || now.Sub(obj.ModTime) <= ClaimTimeout {
			return nil
		}
		deleted, err := s.deleteLapsed(ctx, obj.Key)
		if deleted {
			n++
		}
		return err
	})
	if err == nil {
		err = s.sweep(ctx, pendingDir, "", func(obj *blob.ListObject) error {
			if now.Sub(obj.ModTime) <= olderThan {
				return nil
			}
			return remove(obj.Key)
		})
	}
	if err == nil {
		err = s.sweep(ctx, claimsDir, "", func(obj *blob.ListObject) error {
			if now.Sub(obj.ModTime) <= lockTimeout {
				return nil
			}
			return remove(obj.Key)
		})
	}
	return n, err
}

// sweep calls visit for each object under prefix.
func (s *Store) sweep(ctx context.Context, prefix, delimiter string, visit func(*blob.ListObject) error) error {
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix, Delimiter: delimiter})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err == nil && !obj.IsDir {
			err = visit(obj)
		}
		if err != nil {
			return fmt.Errorf("media: sweep: %w", err)
		}
	}
}
