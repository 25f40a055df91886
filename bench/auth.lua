-- wrk script: send `Authorization: Bearer $LODESTAR_TOKEN` (or, for pages, the signed-in
-- browser's `Cookie: $LODESTAR_COOKIE`) on every request, count non-2xx answers, and print
-- one machine-readable summary line at the end:
--   RESULT rps=<requests/s> p50_ms=<..> p90_ms=<..> p99_ms=<..> max_ms=<..> requests=<n> non2xx=<n> errors=<n>
-- Usage: LODESTAR_TOKEN=lds_… wrk -t1 -c16 -d15s --latency -s bench/auth.lua URL
--        LODESTAR_COOKIE='lodestar_session=…' wrk … -s bench/auth.lua URL

local token = os.getenv("LODESTAR_TOKEN")
local cookie = os.getenv("LODESTAR_COOKIE")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Accept"] = "application/json"
elseif cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
  wrk.headers["Accept"] = "text/html"
else
  error("set LODESTAR_TOKEN to a bearer token, or LODESTAR_COOKIE to a session cookie")
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do
    non2xx = non2xx + (t:get("bad") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, non2xx, errors))
end
