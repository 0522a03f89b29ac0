-- wrk script for bench/run.sh. It sends one request shape, read from the
-- environment, and prints one machine-readable RESULT line at the end.
--
--   BENCH_METHOD   HTTP method (default GET)
--   BENCH_BODY     request body, sent as application/json when not empty
--   BENCH_API_KEY  API key, sent as "Authorization: Bearer KEY"

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local api_key = os.getenv("BENCH_API_KEY") or ""
if api_key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. api_key
end

local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

-- Latencies are in microseconds. status_errors counts responses with a
-- status of 400 or more (wrk's errors.status), and socket_errors sums the
-- connect, read, write and timeout errors.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
