package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogBufferWritesOnClose(t *testing.T) {
	var out syncBuffer
	buffer := newLogBuffer(&out, time.Hour)

	_, err := buffer.Write([]byte("line 1\n"))
	require.NoError(t, err)
	assert.Empty(t, out.String(), "a line waits for the next flush")

	require.NoError(t, buffer.Close())
	assert.Equal(t, "line 1\n", out.String())
}

func TestLogBufferFlushesOnTick(t *testing.T) {
	var out syncBuffer
	buffer := newLogBuffer(&out, 10*time.Millisecond)
	defer buffer.Close()

	_, err := buffer.Write([]byte("line 1\n"))
	require.NoError(t, err)

	assert.Eventually(t, func() bool { return out.String() == "line 1\n" }, 5*time.Second, 5*time.Millisecond)
}

func TestLogBufferKeepsConcurrentLines(t *testing.T) {
	var out bytes.Buffer
	buffer := newLogBuffer(&out, time.Millisecond)

	var writers sync.WaitGroup
	for w := range 8 {
		writers.Go(func() {
			for i := range 500 {
				_, _ = fmt.Fprintf(buffer, "writer %d line %d\n", w, i)
			}
		})
	}
	writers.Wait()
	require.NoError(t, buffer.Close())

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.Len(t, lines, 8*500)
	for _, line := range lines {
		assert.Regexp(t, `^writer \d line \d+$`, line)
	}
}

func TestBufferLogOutputOnlyForFiles(t *testing.T) {
	var memory bytes.Buffer
	direct, flushDirect := bufferLogOutput(context.Background(), &memory)
	defer flushDirect()
	assert.Same(t, &memory, direct, "an in-memory writer is written directly")

	path := filepath.Join(t.TempDir(), "log")
	file, err := os.Create(path)
	require.NoError(t, err)
	defer file.Close()
	buffered, flush := bufferLogOutput(context.Background(), file)
	_, err = buffered.Write([]byte("to the file\n"))
	require.NoError(t, err)
	flush()

	written, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "to the file\n", string(written))
}

func TestLogBufferWritesDirectlyAfterContextEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	file, err := os.Create(path)
	require.NoError(t, err)
	defer file.Close()
	ctx, cancel := context.WithCancel(context.Background())
	buffered, flush := bufferLogOutput(ctx, file)
	defer flush()

	_, err = buffered.Write([]byte("before shutdown\n"))
	require.NoError(t, err)
	cancel()
	assert.Eventually(t, func() bool {
		written, _ := os.ReadFile(path)
		return string(written) == "before shutdown\n"
	}, 5*time.Second, 5*time.Millisecond, "ending ctx writes what is buffered")

	_, err = buffered.Write([]byte("during shutdown\n"))
	require.NoError(t, err)
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "before shutdown\nduring shutdown\n", string(written), "a line after ctx ends is written at once")
}
