package composecheck

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadProject loads docker-compose.yml with compose-go, the loader that the
// docker compose CLI uses, with the profiles active. No environment
// variable is set, so every ${VAR:-default} takes its default.
func loadProject(t *testing.T, profiles ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithName("usermock"),
		cli.WithWorkingDirectory(repoRoot),
		cli.WithProfiles(profiles),
	)
	require.NoError(t, err)
	project, err := opts.LoadProject(context.Background())
	require.NoError(t, err)
	return project
}

func service(t *testing.T, project *types.Project, name string) types.ServiceConfig {
	t.Helper()
	svc, err := project.GetService(name)
	require.NoError(t, err)
	return svc
}

func TestServicesBuildDockerfile(t *testing.T) {
	project := loadProject(t, "contract")
	root, err := filepath.Abs(repoRoot)
	require.NoError(t, err)

	assert.ElementsMatch(t, []string{"mockserver", "contract"}, project.ServiceNames())
	for _, name := range []string{"mockserver", "contract"} {
		svc := service(t, project, name)
		require.NotNil(t, svc.Build, "service %s has no build section", name)
		assert.Equal(t, root, svc.Build.Context, "service %s", name)
		assert.Equal(t, "Dockerfile", svc.Build.Dockerfile, "service %s", name)
	}
}

func TestMockserverPortOnLoopback(t *testing.T) {
	mock := service(t, loadProject(t), "mockserver")

	require.Len(t, mock.Ports, 1)
	port := mock.Ports[0]
	assert.Equal(t, "127.0.0.1", port.HostIP, "publish on loopback only")
	assert.Equal(t, "4010", port.Published)
	assert.Equal(t, uint32(4010), port.Target)
	assert.Equal(t, "tcp", port.Protocol)
}

func TestMockserverHealthcheckUsesBinary(t *testing.T) {
	mock := service(t, loadProject(t), "mockserver")

	require.NotNil(t, mock.HealthCheck)
	check := mock.HealthCheck
	assert.False(t, check.Disable)
	require.GreaterOrEqual(t, len(check.Test), 3)
	assert.Equal(t, []string{"CMD", "/mockserver", "-healthcheck"}, []string(check.Test[:3]))
	assert.Contains(t, check.Test, "0.0.0.0:4010", "the check should target the port the server listens on")
	require.NotNil(t, check.Interval)
	require.NotNil(t, check.Timeout)
	require.NotNil(t, check.Retries)
	assert.Greater(t, *check.Retries, uint64(0))
	assert.Less(t, *check.Timeout, *check.Interval)
}

func TestContractRunsOnlyInProfile(t *testing.T) {
	plain := loadProject(t)
	assert.Equal(t, []string{"mockserver"}, plain.ServiceNames())
	assert.Contains(t, plain.DisabledServices, "contract")

	contract := service(t, loadProject(t, "contract"), "contract")
	assert.Equal(t, []string{"contract"}, contract.Profiles)
	require.Contains(t, contract.DependsOn, "mockserver")
	assert.Equal(t, types.ServiceConditionHealthy, contract.DependsOn["mockserver"].Condition)
}

func TestContractTargetsMockWithDemoAccounts(t *testing.T) {
	contract := service(t, loadProject(t, "contract"), "contract")

	want := map[string]string{
		"CONTRACT_BASE_URL":  "http://mockserver:4010",
		"CONTRACT_API_KEY":   "demo-api-key",
		"CONTRACT_USER_ID":   "12",
		"CONTRACT_PASSWORD":  "123456",
		"CONTRACT_API_KEY_2": "demo-api-key-2",
		"CONTRACT_USER_ID_2": "13",
	}
	for name, value := range want {
		got, ok := contract.Environment[name]
		if assert.True(t, ok, "%s is not set", name) && assert.NotNil(t, got, "%s has no value", name) {
			assert.Equal(t, value, *got, name)
		}
	}
	assert.Equal(t, []string{"/contract"}, []string(contract.Entrypoint))
}

func TestContractWritesReportsToMount(t *testing.T) {
	contract := service(t, loadProject(t, "contract"), "contract")
	reports, err := filepath.Abs(filepath.Join(repoRoot, "reports"))
	require.NoError(t, err)

	require.Len(t, contract.Volumes, 1)
	volume := contract.Volumes[0]
	assert.Equal(t, types.VolumeTypeBind, volume.Type)
	assert.Equal(t, reports, volume.Source)
	assert.Equal(t, "/reports", volume.Target)
	assert.False(t, volume.ReadOnly)
	assert.Contains(t, contract.Command, "-junit")
	assert.Contains(t, contract.Command, "/reports/contract.xml")
}

func TestContractUserIsNonRoot(t *testing.T) {
	contract := service(t, loadProject(t, "contract"), "contract")

	assert.Equal(t, "65532:65532", contract.User, "the default should be the image's nonroot user")
}

func TestComposeFlagsExistOnBinaries(t *testing.T) {
	project := loadProject(t, "contract")
	mock := service(t, project, "mockserver")
	contract := service(t, project, "contract")

	// The mockserver service keeps the image's entrypoint, /mockserver.
	assert.Empty(t, mock.Entrypoint)
	require.NotNil(t, mock.HealthCheck)
	require.GreaterOrEqual(t, len(mock.HealthCheck.Test), 2)
	assert.Empty(t, UnknownFlags(mock.Command, flagsOf(t, "mockserver")), "mockserver command")
	assert.Empty(t, UnknownFlags(mock.HealthCheck.Test[2:], flagsOf(t, "mockserver")), "mockserver healthcheck")
	assert.Empty(t, UnknownFlags(contract.Command, flagsOf(t, "contract")), "contract command")
}

func TestComposeVariablesExistOnBinaries(t *testing.T) {
	project := loadProject(t, "contract")

	for _, name := range []string{"mockserver", "contract"} {
		svc := service(t, project, name)
		help := helpOf(t, name)
		for variable := range svc.Environment {
			word := regexp.MustCompile(`\b` + regexp.QuoteMeta(variable) + `\b`)
			assert.Regexp(t, word, help, "%s -h does not name the variable %s that the %s service sets", name, variable, name)
		}
	}
}
