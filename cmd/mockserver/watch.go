package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// watchDebounce is how long the watcher waits after the last change before
// it reloads. Editors save with several events (truncate, write, rename)
// within a few milliseconds, and one save should cause one reload.
const watchDebounce = 100 * time.Millisecond

// watcher reloads the -spec file and the -fixtures directory into a running
// server when they change. It watches the directories that contain them,
// not the files, because editors that save by writing a new file and
// renaming it over the old one would end a watch on the file itself.
type watcher struct {
	fsw         *fsnotify.Watcher
	mock        *mockserver.Server
	logger      *slog.Logger
	specPath    string // absolute path, or empty when the spec is embedded
	fixturesDir string // absolute path, or empty when the fixtures are embedded
	done        chan struct{}
	closeOnce   sync.Once
}

// startWatcher starts watching the files that cfg names until ctx is
// cancelled or Close is called.
//
// NOTE: only events named after the spec file or a fixture file count, so
// a change made by swapping a symlinked directory (as Kubernetes ConfigMap
// mounts do with ..data) is not seen. Deleting a watched directory ends its
// watch until the server restarts.
func startWatcher(ctx context.Context, cfg *config, mock *mockserver.Server, logger *slog.Logger) (*watcher, error) {
	w := &watcher{mock: mock, logger: logger, done: make(chan struct{})}
	dirs := map[string]bool{}
	if cfg.specPath != "" {
		abs, err := filepath.Abs(cfg.specPath)
		if err != nil {
			return nil, fmt.Errorf("watch spec %q: %w", cfg.specPath, err)
		}
		w.specPath = abs
		dirs[filepath.Dir(abs)] = true
	}
	if cfg.fixturesDir != "" {
		abs, err := filepath.Abs(cfg.fixturesDir)
		if err != nil {
			return nil, fmt.Errorf("watch fixtures %q: %w", cfg.fixturesDir, err)
		}
		w.fixturesDir = abs
		dirs[abs] = true
	}

	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("start file watcher: %w", err)
	}
	for dir := range dirs {
		if err := fsw.Add(dir); err != nil {
			fsw.Close()
			return nil, fmt.Errorf("watch directory %q: %w", dir, err)
		}
		logger.Info("watching for changes", "dir", dir)
	}
	w.fsw = fsw
	go w.loop(ctx)
	return w, nil
}

// Close stops the watcher and waits for its loop to end.
func (w *watcher) Close() {
	w.closeOnce.Do(func() {
		w.fsw.Close()
		<-w.done
	})
}

// loop collects events until none has come for watchDebounce, then reloads
// what changed.
func (w *watcher) loop(ctx context.Context) {
	defer close(w.done)
	timer := time.NewTimer(watchDebounce)
	timer.Stop()
	var specChanged, fixturesChanged bool

	for {
		select {
		case <-ctx.Done():
			return
		case event, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			isSpec, isFixture := w.classify(event)
			specChanged = specChanged || isSpec
			fixturesChanged = fixturesChanged || isFixture
			if isSpec || isFixture {
				timer.Reset(watchDebounce)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.logger.Error("file watcher failed", "error", err)
		case <-timer.C:
			w.reload(specChanged, fixturesChanged)
			specChanged, fixturesChanged = false, false
		}
	}
}

// classify reports whether event touches the spec file or a fixture file.
// A change of permissions alone is ignored.
func (w *watcher) classify(event fsnotify.Event) (isSpec, isFixture bool) {
	if event.Op == fsnotify.Chmod {
		return false, false
	}
	name := filepath.Clean(event.Name)
	isSpec = w.specPath != "" && name == w.specPath
	base := filepath.Base(name)
	isFixture = w.fixturesDir != "" && filepath.Dir(name) == w.fixturesDir &&
		(base == store.AccountsFile || base == store.DNSFile)
	return isSpec, isFixture
}

// reload loads the changed files and hands them to the server. A file that
// fails to load is logged and the server keeps the version it serves.
func (w *watcher) reload(specChanged, fixturesChanged bool) {
	if specChanged {
		w.reloadSpec()
	}
	if fixturesChanged {
		fx, err := store.LoadFixturesDir(w.fixturesDir)
		if err != nil {
			w.logger.Error("reload fixtures failed, so the previous fixtures keep serving", "dir", w.fixturesDir, "error", err)
		} else {
			w.logger.Info("reloading changed fixtures", "dir", w.fixturesDir, "accounts", len(fx.Accounts))
			w.mock.ReloadFixtures(fx)
		}
	}
}

// reloadSpec loads the spec file and hands it to the server. A spec that
// fails to load, or that the server rejects, is logged and the server keeps
// the spec it serves.
func (w *watcher) reloadSpec() {
	sp, err := spec.LoadFile(w.specPath)
	if err == nil {
		w.logger.Info("reloading changed spec", "path", w.specPath, "version", sp.Version())
		err = w.mock.ReloadSpec(sp)
	}
	if err != nil {
		w.logger.Error("reload spec failed, so the previous spec keeps serving", "path", w.specPath, "error", err)
	}
}
