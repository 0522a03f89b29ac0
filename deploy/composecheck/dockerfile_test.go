package composecheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerStages parses the repository's Dockerfile into its stages.
func dockerStages(t *testing.T) [][]Instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	defer f.Close()
	instructions, err := ParseDockerfile(f)
	require.NoError(t, err)
	return Stages(instructions)
}

// last returns the stage's last instruction with the keyword, which is the
// one Docker applies.
func last(t *testing.T, stage []Instruction, keyword string) Instruction {
	t.Helper()
	found := Find(stage, keyword)
	require.NotEmpty(t, found, "the stage has no %s", keyword)
	return found[len(found)-1]
}

func TestDockerfileIsMultiStage(t *testing.T) {
	stages := dockerStages(t)

	require.GreaterOrEqual(t, len(stages), 2)
	build := stages[0][0].Args
	assert.True(t, strings.HasPrefix(build, "golang:1.26-bookworm "), "build stage image: %s", build)
	final := stages[len(stages)-1][0].Args
	assert.Equal(t, "gcr.io/distroless/static-debian12:nonroot", final)
}

func TestDockerfileBuildsStaticBinaries(t *testing.T) {
	build := dockerStages(t)[0]

	var cgoOff bool
	for _, in := range Find(build, "ENV") {
		cgoOff = cgoOff || in.Args == "CGO_ENABLED=0"
	}
	assert.True(t, cgoOff, "the build stage should set ENV CGO_ENABLED=0")

	var commands []string
	for _, in := range Find(build, "RUN") {
		for _, command := range strings.Split(in.Args, "&&") {
			if strings.Contains(command, "go build") {
				commands = append(commands, command)
			}
		}
	}
	require.Len(t, commands, 2)
	for i, target := range []string{"./cmd/mockserver", "./cmd/contract"} {
		assert.Contains(t, commands[i], "-trimpath")
		assert.True(t, strings.HasSuffix(strings.TrimSpace(commands[i]), target), "go build %d: %s", i, commands[i])
	}
}

func TestDockerfileFinalStageRunsAsNonRoot(t *testing.T) {
	stages := dockerStages(t)
	final := stages[len(stages)-1]

	user := last(t, final, "USER").Args
	name, _, _ := strings.Cut(user, ":")
	assert.NotContains(t, []string{"root", "0"}, name, "USER %s", user)
	assert.Equal(t, "4010", last(t, final, "EXPOSE").Args)
	assert.Equal(t, "--from=build /out/mockserver /out/contract /", last(t, final, "COPY").Args)
}

func TestDockerfileHealthcheckUsesBinary(t *testing.T) {
	stages := dockerStages(t)
	final := stages[len(stages)-1]

	check := last(t, final, "HEALTHCHECK").Args
	_, command, found := strings.Cut(check, "CMD ")
	require.True(t, found, "HEALTHCHECK without CMD: %s", check)
	argv, err := ExecForm(command)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(argv), 2)
	assert.Equal(t, []string{"/mockserver", "-healthcheck"}, argv[:2])
	assert.Empty(t, UnknownFlags(argv[1:], flagsOf(t, "mockserver")))
}

func TestDockerfileServesOnAllInterfaces(t *testing.T) {
	stages := dockerStages(t)
	final := stages[len(stages)-1]

	entrypoint, err := ExecForm(last(t, final, "ENTRYPOINT").Args)
	require.NoError(t, err)
	assert.Equal(t, []string{"/mockserver"}, entrypoint)
	cmd, err := ExecForm(last(t, final, "CMD").Args)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(cmd, " "), "-addr 0.0.0.0:4010")
	assert.Empty(t, UnknownFlags(cmd, flagsOf(t, "mockserver")))
}

func TestParseDockerfileJoinsContinuations(t *testing.T) {
	input := "# comment\nFROM a AS b\n\nrun one \\\n  && two\n"

	got, err := ParseDockerfile(strings.NewReader(input))

	require.NoError(t, err)
	assert.Equal(t, []Instruction{
		{Line: 2, Keyword: "FROM", Args: "a AS b"},
		{Line: 4, Keyword: "RUN", Args: "one  && two"},
	}, got)
}

func TestParseDockerfileRejectsOpenContinuation(t *testing.T) {
	_, err := ParseDockerfile(strings.NewReader("FROM a\nRUN one \\\n"))

	assert.ErrorContains(t, err, "line 2 ends with a continuation")
}

func TestUnknownFlagsReadsFlagForms(t *testing.T) {
	known := map[string]bool{"addr": true, "strict": true}

	got := UnknownFlags([]string{"-addr", "0.0.0.0:4010", "--strict", "-addr=x", "-port", "--port=1", "-"}, known)

	assert.Equal(t, []string{"-port", "--port=1"}, got)
}
