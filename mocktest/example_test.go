package mocktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/callfluent/usermock/mocktest"
)

// ExampleNewServer reads the first demo account's profile. In a test, call
// mocktest.New(t) instead: it closes the server when the test ends.
func ExampleNewServer() {
	srv, err := mocktest.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/user/profile", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+srv.Primary().APIKey)
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()

	var profile struct {
		User    struct{ Name, Email string }
		Setting map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&profile); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Status)
	fmt.Println(profile.User.Name, profile.User.Email)
	fmt.Println(profile.Setting["website_name"], "/", profile.Setting["website_description"])
	// Output:
	// 200 OK
	// test test@example.com
	// callfluent / save time
}
