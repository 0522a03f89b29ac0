// Package browser holds an end-to-end check in headless Chromium: a page
// from another origin calls the mock server with fetch, as a web client
// would, through CORS preflights. The package has no code of its own. Its
// test needs Debian's chromium package (/usr/bin/chromium).
package browser
