package mockserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/callfluent/usermock/mockserver"
	"github.com/callfluent/usermock/spec"
	"github.com/callfluent/usermock/store"
)

// ExampleNew starts the mock server with the embedded contract and demo
// accounts and reads the demo account's profile.
func ExampleNew() {
	sp, err := spec.Default()
	if err != nil {
		panic(err)
	}
	fx, err := store.Default()
	if err != nil {
		panic(err)
	}
	srv, err := mockserver.New(mockserver.Config{Spec: sp, Fixtures: fx, Strict: true})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	req, err := http.NewRequest(http.MethodGet, ts.URL+"/user/profile", nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer demo-api-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(err)
	}

	fmt.Println(resp.StatusCode)
	fmt.Println(string(body))
	// Output:
	// 200
	// {"setting":{"website_description":"save time","website_name":"callfluent"},"user":{"email":"test@example.com","name":"test"}}
}
