-- wrk script for pages: send `Cookie: $LODESTAR_COOKIE` (a signed-in browser session) on every
-- request, count answers other than 200, and print the same RESULT line as auth.lua.
-- Usage: LODESTAR_COOKIE='lodestar_session=…' wrk -t1 -c8 -d15s --latency -s bench/cookie.lua URL

local cookie = os.getenv("LODESTAR_COOKIE")
if cookie == nil or cookie == "" then
  error("set LODESTAR_COOKIE to a session cookie")
end

wrk.headers["Cookie"] = cookie
wrk.headers["Accept"] = "text/html"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
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
