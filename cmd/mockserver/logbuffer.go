package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"sync"
	"time"
)

// logFlushInterval is the longest a log line waits in a logBuffer before it
// is written.
const logFlushInterval = 100 * time.Millisecond

// logBufferSize is the buffer of a logBuffer. bufio.Writer writes a full
// buffer at once, so a burst of log lines larger than this is written
// without waiting for the next tick.
const logBufferSize = 64 << 10

// logBuffer buffers log output to a file or pipe and writes it at most
// logFlushInterval later. The log handler holds its lock while it writes,
// so an unbuffered write system call per request line would serialise every
// request's completion on that lock. Safe for concurrent use.
type logBuffer struct {
	mu           sync.Mutex
	out          *bufio.Writer
	writeThrough bool // set by writeDirectly: every Write is flushed at once

	stop    chan struct{}
	stopped chan struct{}
}

// newLogBuffer starts a logBuffer that writes to out. Close must be called
// to write what is left and stop its flushing goroutine.
func newLogBuffer(out io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{
		out:     bufio.NewWriterSize(out, logBufferSize),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go b.flushEvery(interval)
	return b
}

// Write buffers p. It returns the error of an earlier failed write, as
// bufio.Writer does.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.out.Write(p)
	if err == nil && b.writeThrough {
		err = b.out.Flush()
	}
	return n, err
}

// writeDirectly writes what is buffered and makes every later Write go out
// at once. It is called when shutdown starts: from then on the default
// signal handling is back, and a second signal or a container runtime's
// SIGKILL would otherwise drop what the buffer holds.
func (b *logBuffer) writeDirectly() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writeThrough = true
	_ = b.out.Flush()
}

func (b *logBuffer) flushEvery(interval time.Duration) {
	defer close(b.stopped)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-ticker.C:
			// A failed flush has no one to report to: the log is the
			// place errors go. bufio.Writer keeps the error, and later
			// writes return it.
			_ = b.flush()
		}
	}
}

func (b *logBuffer) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Flush()
}

// Close stops the flushing goroutine and writes what is buffered.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.stopped
	return b.flush()
}

// bufferLogOutput returns the writer for log output to stderr and a function
// that writes what is left. Output to an *os.File (a file, pipe or terminal)
// is buffered with a logBuffer until ctx ends, and written directly after.
// Other writers, such as the buffers that tests read right after a request,
// are always written directly.
//
// NOTE: a crash outside a request handler (which recovers panics) loses the
// lines of the last logFlushInterval.
func bufferLogOutput(ctx context.Context, stderr io.Writer) (io.Writer, func()) {
	file, ok := stderr.(*os.File)
	if !ok {
		return stderr, func() {}
	}
	buffer := newLogBuffer(file, logFlushInterval)
	go func() {
		select {
		case <-ctx.Done():
			buffer.writeDirectly()
		case <-buffer.stop:
		}
	}()
	return buffer, func() { _ = buffer.Close() }
}
